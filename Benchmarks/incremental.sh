#!/usr/bin/env bash
# Incremental planning: the CPU time of the running daemon's pass after one
# payment file, against the pass after a reload (SIGHUP), which plans every
# debtor again — the same daemon, the same ledger, in the same run.
# COUNT open invoices (default 1,000,000) over COUNT/5 debtors, due later
# (nothing is sent; every pass plans).
# CPU time is what the daemon logs per pass (`pass.cpu_ms`).
# Target (issue 19): the pass after one payment file <= 1 % of the full re-plan.
#   Usage: Benchmarks/incremental.sh [COUNT]
set -euo pipefail
count="${1:-1000000}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
mkdir -p "$work/spool/inbox"
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/London"\n' > "$work/overdue.toml"
gen_invoices "$work/spool/inbox" "$count" 10000 $(( count / 5 )) 2027-03-01
at=2027-01-04T12:00:00Z
"$bin" --config "$work/overdue.toml" run --once --now "$at" --log-level error >/dev/null

# The daemon logs each pass with the CPU time it used (`pass.cpu_ms`,
# CLOCK_PROCESS_CPUTIME_ID: all threads) and how many debtors it planned.
"$bin" --config "$work/overdue.toml" run --now "$at" --log-level info 2>"$work/daemon.log" &
pid=$!
passes() { grep -c 'pipeline pass finished' "$work/daemon.log" || true; }
wait_passes() {
  for _ in $(seq 1 2400); do [ "$(passes)" -ge "$1" ] && return 0; sleep 0.05; done
  echo "no pass $1 within 120 s"; exit 1
}
pass_field() { grep 'pipeline pass finished' "$work/daemon.log" | sed -n "${1}p" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
wait_passes 1
sleep 1
# One payment file, dropped as a finance system does (written aside, renamed in).
printf '{"event": "payment", "invoice": "B-7", "amount": "1007.50", "date": "2027-01-04"}\n' > "$work/payment.tmp"
mv "$work/payment.tmp" "$work/spool/inbox/payment.jsonl"
wait_passes 2
sleep 1
kill -HUP $pid
wait_passes 3
kill $pid; wait $pid 2>/dev/null || true; pid=""
payment_ms=$(pass_field 2 pass.cpu_ms)
full_ms=$(pass_field 3 pass.cpu_ms)
ratio=$(calc "100 * $payment_ms / $full_ms")
echo "Incremental planning: $count open invoices, $(( count / 5 )) debtors"
printf '  first pass after start        %9.1f ms CPU (%s debtors planned)\n' "$(pass_field 1 pass.cpu_ms)" "$(pass_field 1 plan.debtors)"
printf '  pass after one payment file   %9.1f ms CPU (%s debtors planned)\n' "$payment_ms" "$(pass_field 2 plan.debtors)"
printf '  pass after a reload (full)    %9.1f ms CPU (%s debtors planned)\n' "$full_ms" "$(pass_field 3 plan.debtors)"
printf '  ratio                         %9.3f %%     (target <= 1 %%)\n' "$ratio"
result "incremental $count: pass after one payment / full re-plan" "$(printf '%.3f %% (%.1f of %.0f ms)' "$ratio" "$payment_ms" "$full_ms")" "" "<= 1 %" "$(awk -v r="$ratio" 'BEGIN{print (r <= 1)}')"
