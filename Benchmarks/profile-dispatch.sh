#!/usr/bin/env bash
# Where dispatch spends its CPU: the smtp-dispatch.sh or webhook-dispatch.sh
# set-up (N reminders due; smtp-sink or nginx `return 200` on 127.0.0.1),
# then the timed `run --once` under `perf record -g`. Prints the share of
# the daemon's samples by pipeline step (inclusive: a step's callees count
# to it; "message build" holds the render and MIME rows) and the
# functions with the most samples beneath them.
#   Usage: Benchmarks/profile-dispatch.sh [N] [email|webhook]   (needs perf: apt-get install linux-perf)
set -euo pipefail
n="${1:-20000}"
channel="${2:-webhook}"
source "$(dirname "$0")/lib.sh"
scripts/setup-deps.sh --bench >/dev/null
work=$(mktemp -d)
port=$(free_port)
if [ "$channel" = email ]; then
  /usr/sbin/smtp-sink $( [ "$(id -u)" = 0 ] && echo -u nobody ) 127.0.0.1:$port 256 &
  server=$!
  section="$(printf '[channels.email]\nurl = "smtp://127.0.0.1:%s"\nstarttls = "off"\nmax_connections = 8' "$port")"
else
  start_nginx "$work" "$port"
  server=$nginx_pid
  webhook_secret "$work"
  section="$(printf '[channels.webhook]\nurl = "http://127.0.0.1:%s/hooks"\nsecret_file = "%s"\nmax_connections = 8' "$port" "$work/webhook.secret")"
fi
disown "$server"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.3
prepare_dispatch "$work" "$n" "$channel" "$section"
perf record -q -g -o "$work/perf.data" "$bin" --config "$work/overdue.toml" run --once --now 2027-02-02T10:00:00Z \
  --log-level error > "$work/run.txt" 2>/dev/null
tail -2 "$work/run.txt"
# Swift symbols demangled, so that the steps below can be named.
perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep "%" | grep -v "^#" \
  | awk '{print $1, $4}' | swift demangle --simplified > "$work/report.txt" || true
# PERF_DATA=FILE keeps the recording for `perf report -i FILE`.
[ -n "${PERF_DATA:-}" ] && cp "$work/perf.data" "$PERF_DATA"
# The steps of a pass, each by the function that does it. Inclusive shares
# overlap only where one step calls another (none of these do).
printf '\n%-34s %8s\n' "step (function)" "samples"
while IFS='|' read -r step pattern; do
  share=$(grep -E "$pattern" "$work/report.txt" | head -1 | awk '{print $1}' || true)
  printf '%-34s %8s\n' "$step" "${share:-0%}"
done <<'STEPS'
load ledger and journal|LedgerStore\.(open|load)
plan (Planner.plan)| Planner\.plan
letter variables (ReminderContext)| ReminderContext\.init
templates (CompiledTemplate)| CompiledTemplate\.render\(_:partials:\)|MustacheLibrary\.render
whole render (ReminderRenderer)| ReminderRenderer\.render\(
MIME bytes (MailMessage.bytes)| MailMessage\.bytes
message build, all (MessageBuilder)| MessageBuilder\.build
record (Dispatcher.record)| Dispatcher\.record
queue manager (QueueManager.pump)| QueueManager\.pump
kernel (syscalls)| entry_SYSCALL_64
STEPS
# libcurl ships without symbols: its share is the samples in its library.
printf '\nself samples by library (libcurl: the protocol work)\n'
perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' | head -8
printf '\nfunctions with the most samples beneath them:\n'
grep -vE '^[0-9.]+% (partial apply|closure|thunk|specialized static Overdue|__libc|overdue_main|static Overdue|start_thread|_dispatch)' "$work/report.txt" \
  | head -40 | cut -c1-150
