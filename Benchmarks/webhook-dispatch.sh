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
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  server { listen 127.0.0.1:$port; keepalive_requests 100000; location / { return 200 "ok"; } }
}
CONF
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5

gcc -O2 -o "$work/raw" Benchmarks/raw_curl_webhook.c $(pkg-config --cflags --libs libcurl)
t0=$(now); "$work/raw" "$port" "$n" >/dev/null; t1=$(now)
raw=$(calc "$n / ($t1 - $t0)")

mkdir -p "$work/spool/inbox"
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > "$work/webhook.secret"
cat > "$work/overdue.toml" <<TOML
[spool]
dir = "spool"
[schedule]
timezone = "UTC"
business_hours = "00:00-24:00"
business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
[[policy]]
name = "one"
stages = [ { name = "overdue", offset_days = 1, channels = ["webhook"] } ]
[channels.webhook]
url = "http://127.0.0.1:$port/hooks"
secret_file = "$work/webhook.secret"
max_connections = 8
TOML
gen_invoices "$work/spool/inbox" "$n" "$n" "$n" 2027-02-01
"$bin" --config "$work/overdue.toml" run --once --now 2027-01-15T10:00:00Z --log-level error >/dev/null
t0=$(now)
"$bin" --config "$work/overdue.toml" run --once --now 2027-02-02T10:00:00Z --log-level error > "$work/run.txt"
t1=$(now)
sent=$(grep -o 'sent [0-9]*' "$work/run.txt" | grep -o '[0-9]*')
ours=$(calc "$sent / ($t1 - $t0)")
ratio=$(calc "$ours / $raw")

printf '%-46s %10s\n' "Webhook dispatch, N = $n" "requests/s"
printf '%-46s %10.0f\n' "raw libcurl (multi, 8 connections, unsigned)" "$raw"
printf '%-46s %10.0f   (%s sent)\n' "overdue run --once (signed, durable, logged)" "$ours" "$sent"
printf 'ratio to raw libcurl: %.2f (target >= 0.5)\n' "$ratio"
result "webhook dispatch, N=$n" "$(printf '%.0f/s = %.2f x raw libcurl (%.0f/s)' "$ours" "$ratio" "$raw")" "" ">= 0.5 x raw" \
  "$( [ "$sent" = "$n" ] && awk -v r="$ratio" 'BEGIN{print (r >= 0.5)}' || echo 0)"
