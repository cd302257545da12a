#!/usr/bin/env bash
# Where dispatch spends its CPU: the webhook-dispatch.sh set-up (N reminders
# due, nginx `return 200` on 127.0.0.1), then the timed `run --once` under
# `perf record -g`, and the functions with the most samples beneath them.
#   Usage: Benchmarks/profile-dispatch.sh [N]      (needs perf: apt-get install linux-perf)
set -euo pipefail
n="${1:-20000}"
source "$(dirname "$0")/lib.sh"
scripts/setup-deps.sh --bench >/dev/null
work=$(mktemp -d)
port=$(free_port)
start_nginx "$work" "$port"
trap 'kill $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > "$work/webhook.secret"
chmod 600 "$work/webhook.secret"
prepare_dispatch "$work" "$n" webhook "$(printf '[channels.webhook]\nurl = "http://127.0.0.1:%s/hooks"\nsecret_file = "%s"\nmax_connections = 8' "$port" "$work/webhook.secret")"
perf record -q -g -o "$work/perf.data" "$bin" --config "$work/overdue.toml" run --once --now 2027-02-02T10:00:00Z \
  --log-level error > "$work/run.txt" 2>/dev/null
tail -2 "$work/run.txt"
perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' \
  | grep -E 'Overdue|Mustache|JSONSerialization|Decimal' | head -25 | cut -c1-150
