#!/usr/bin/env bash
# Signed webhook dispatch throughput: N reminders already due, from the
# ledger to nginx (`return 200`) on 127.0.0.1, each one rendered, signed
# (Standard Webhooks, HMAC-SHA256), kept, journaled and logged. Baseline in
# the same run: raw libcurl (multi handle, 8 reused connections, unsigned,
# no spool) against the same nginx. Target (issue 10): >= 0.5 x raw.
#   Usage: Benchmarks/webhook-dispatch.sh [N]
set -euo pipefail
n="${1:-20000}"
source "$(dirname "$0")/lib.sh"
scripts/setup-deps.sh --bench >/dev/null
work=$(mktemp -d)
port=$(free_port)
start_nginx "$work" "$port"
trap 'kill $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT

gcc -O2 -o "$work/raw" Benchmarks/raw_curl_webhook.c $(pkg-config --cflags --libs libcurl)
t0=$(now); "$work/raw" "$port" "$n" >/dev/null; t1=$(now)
raw=$(calc "$n / ($t1 - $t0)")

webhook_secret "$work"
time_dispatch "$work" "$n" webhook "$(printf '[channels.webhook]\nurl = "http://127.0.0.1:%s/hooks"\nsecret_file = "%s"\nmax_connections = 8' "$port" "$work/webhook.secret")"
ratio=$(calc "$ours / $raw")

printf '%-46s %10s\n' "Webhook dispatch, N = $n" "requests/s"
printf '%-46s %10.0f\n' "raw libcurl (multi, 8 connections, unsigned)" "$raw"
printf '%-46s %10.0f   (%s sent)\n' "overdue run --once (signed, durable, logged)" "$ours" "$sent"
printf 'ratio to raw libcurl: %.2f (target >= 0.5)\n' "$ratio"
printf 'CPU per message: %s µs (user + sys of the daemon / messages sent)\n' "$cpu_us"
result "webhook dispatch, N=$n" "$(printf '%.0f/s = %.2f x raw libcurl (%.0f/s)' "$ours" "$ratio" "$raw")" "" ">= 0.5 x raw" \
  "$( [ "$sent" = "$n" ] && awk -v r="$ratio" 'BEGIN{print (r >= 0.5)}' || echo 0)"
# The per-letter budget (issue 29): 0.5 x raw is about 20,000 webhooks/s here,
# with nginx and the kernel taking about half of the two cores: <= 50 µs each.
result "webhook dispatch, N=$n, CPU per message" "$cpu_us µs (user + sys / messages)" "" "<= 50 µs" "$(awk -v c="$cpu_us" 'BEGIN{print (c <= 50)}')"
