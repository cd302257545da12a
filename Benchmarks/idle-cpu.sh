#!/usr/bin/env bash
# Idle CPU of the daemon with 100,000 open invoices loaded: starts
# `overdue run` (release build) on a spool that already holds them, waits
# until the start-up pass is done, then measures the process's CPU time
# (utime + stime from /proc/PID/stat) over SECONDS (default 60).
# Target (issue 7): below 1 % of one core.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
count="${INVOICES:-100000}"
swift build -c release --product overdue >/dev/null
bin="$(swift build -c release --show-bin-path)/overdue"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/spool/inbox"
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/London"\n' > "$work/overdue.toml"
python3 - "$work/spool/inbox" "$count" <<'PY'
import json, sys
inbox, count = sys.argv[1], int(sys.argv[2])
for f in range(count // 1000):
    with open(f"{inbox}/b{f:04}.jsonl", "w") as out:
        for i in range(1000):
            n = f * 1000 + i
            out.write(json.dumps({"invoice": f"P-{n}", "customer": {"id": f"c{n % 20000}", "name": f"Customer {n % 20000}",
                "email": f"ap{n % 20000}@example.com", "timezone": "Europe/Berlin"}, "issued": "2027-01-01",
                "due": "2027-06-01", "currency": "EUR", "amount": f"{n}.50"}) + "\n")
PY
# Ingest once (not part of the idle measurement), then start the daemon.
"$bin" --config "$work/overdue.toml" run --once --now 2027-01-03T12:00:00Z --log-level error
start_ready=$(date +%s.%N)
"$bin" --config "$work/overdue.toml" run --now 2027-01-03T12:00:00Z --log-level error &
pid=$!
# The start-up pass (replay + plan of 100k invoices) is done when CPU stops moving.
prev=-1
while true; do
  sleep 1
  ticks=$(awk '{print $14 + $15}' /proc/$pid/stat)
  [ "$ticks" = "$prev" ] && break
  prev=$ticks
done
ready=$(echo "$(date +%s.%N) - $start_ready" | bc)
hz=$(getconf CLK_TCK)
before=$(awk '{print $14 + $15}' /proc/$pid/stat)
sleep "$seconds"
after=$(awk '{print $14 + $15}' /proc/$pid/stat)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
cpu=$(echo "scale=4; ($after - $before) / $hz / $seconds * 100" | bc)
echo "invoices loaded:         $count"
echo "start-up until idle:     ${ready} s"
echo "resident memory:         $((rss / 1024)) MiB"
echo "CPU over ${seconds} s idle:     ${cpu} % of one core (target < 1 %)"
awk -v c="$cpu" 'BEGIN { exit !(c < 1.0) }' && echo "idle CPU: OK" || { echo "idle CPU: ABOVE TARGET"; exit 1; }
