#!/usr/bin/env bash
# Where dispatch spends its CPU: the webhook-dispatch.sh set-up (N reminders
# due, nginx `return 200` on 127.0.0.1), the timed `run --once` under
# `perf record -g`, then the functions with the most samples beneath them.
#   Usage: Benchmarks/profile-dispatch.sh [N]      (needs perf: apt-get install linux-perf)
set -euo pipefail
n="${1:-20000}"
source "$(dirname "$0")/lib.sh"
scripts/setup-deps.sh --bench >/dev/null
work=$(mktemp -d)
port=$(free_port)
mkdir -p "$work/nginx" "$work/spool/inbox"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http { access_log off; client_body_temp_path $work/nginx;
  server { listen 127.0.0.1:$port; keepalive_requests 100000; location / { return 200 "ok"; } } }
CONF
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5
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
perf record -q -g -o "$work/perf.data" "$bin" --config "$work/overdue.toml" run --once --now 2027-02-02T10:00:00Z \
  --log-level error > "$work/run.txt" 2>/dev/null
tail -2 "$work/run.txt"
perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' \
  | grep -E 'Overdue|Mustache|JSONSerialization|Decimal' | head -25 | cut -c1-150
