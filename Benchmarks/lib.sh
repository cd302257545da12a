# Shared by the benchmark scripts: the release binary, a free loopback port,
# a clock, and the result line that Benchmarks/run.sh collects.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# OVERDUE_BIN=PATH measures that binary instead (e.g. another commit's
# release build, for a before/after in the same run).
if [ -n "${OVERDUE_BIN:-}" ]; then
  bin="$OVERDUE_BIN"
else
  swift build -c release --product overdue >/dev/null
  bin="$(swift build -c release --show-bin-path)/overdue"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
calc() { echo "$*" | bc -l; }
# result NAME VALUE UNIT TARGET-TEXT OK(1/0)
result() {
  printf 'RESULT|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$( [ "$5" = 1 ] && echo met || echo "NOT met" )"
}
# An invoice file generator: gen_invoices DIR COUNT PER_FILE DEBTORS DUE [SINGLES]
gen_invoices() {
  python3 - "$@" <<'PY'
import json, sys
inbox, count, per_file, debtors, due = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
singles = int(sys.argv[6]) if len(sys.argv) > 6 else 0
def record(n):
    d = n % debtors
    return json.dumps({"invoice": f"B-{n}", "customer": {"id": f"d{d}", "name": f"Debtor {d}", "email": f"ap{d}@example.com"},
                       "issued": "2027-01-01", "due": due, "currency": "EUR", "amount": f"{1000 + n % 900}.50"})
n = 0
for f in range((count - singles) // per_file):
    with open(f"{inbox}/b{f:05}.jsonl", "w") as out:
        for _ in range(per_file):
            out.write(record(n) + "\n"); n += 1
for s in range(singles):
    with open(f"{inbox}/s{s:05}.json", "w") as out:
        out.write(record(n)); n += 1
PY
}
# The durable dispatch measured by smtp-dispatch.sh and webhook-dispatch.sh:
# N invoices whose one stage sends on CHANNEL, ingested before the stage is
# due (not timed), then one timed `run --once` that sends them all.
# time_dispatch WORK N CHANNEL CHANNEL_SECTION  → sets $sent, $ours (per second) and $cpu_us (CPU µs per message)
time_dispatch() {
  local work=$1 n=$2
  prepare_dispatch "$@"
  local t0 t1 TIMEFORMAT='%U %S'
  t0=$(now)
  # bash's `time` gives the run's own user and system CPU (issue 29's per-letter budget).
  { time "$bin" --config "$work/overdue.toml" run --once --now 2027-02-02T10:00:00Z --log-level error > "$work/run.txt" 2>/dev/null; } 2> "$work/cpu.txt"
  t1=$(now)
  sent=$(grep -o 'sent [0-9]*' "$work/run.txt" | grep -o '[0-9]*')
  ours=$(calc "$sent / ($t1 - $t0)")
  # CPU microseconds per message sent: (user + sys of the daemon) / messages.
  cpu_us=$(awk -v n="$sent" 'END { printf "%.0f", ($1 + $2) * 1000000 / (n > 0 ? n : 1) }' "$work/cpu.txt")
}
# The config's first lines: the spool beside it and a UTC schedule open
# every hour of every day (a benchmark sends whenever it runs).
open_schedule() {
  cat <<TOML
[spool]
dir = "spool"
[schedule]
timezone = "UTC"
business_hours = "00:00-24:00"
business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TOML
}
# A Standard Webhooks secret in WORK/webhook.secret, readable by its owner only.
webhook_secret() {
  printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > "$1/webhook.secret"
  chmod 600 "$1/webhook.secret"
}
# The untimed part: config, N invoices ingested, their one stage due at
# 2027-02-02T10:00:00Z.  prepare_dispatch WORK N CHANNEL CHANNEL_SECTION
prepare_dispatch() {
  local work=$1 n=$2 channel=$3 section=$4
  mkdir -p "$work/spool/inbox"
  { open_schedule; cat <<TOML
[[policy]]
name = "one"
stages = [ { name = "overdue", offset_days = 1, channels = ["$channel"] } ]
$section
TOML
  } > "$work/overdue.toml"
  gen_invoices "$work/spool/inbox" "$n" "$n" "$n" 2027-02-01
  "$bin" --config "$work/overdue.toml" run --once --now 2027-01-15T10:00:00Z --log-level error >/dev/null
}
# nginx answering 200 to everything on 127.0.0.1:PORT, stopped with the
# script.  start_nginx WORK PORT  → sets $nginx_pid
start_nginx() {
  local work=$1 port=$2
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
  nginx_pid=$!
  sleep 0.5
}
