#!/usr/bin/env bash
# Timer accuracy: the real daemon (`overdue run`, wall clock) holds COUNT
# invoices whose stage becomes due when business hours open at the next
# full minute (at least 20 s away); it sleeps on its one Dispatch timer.
# Measured: how long after the window opened each send was logged.
# Target (issue 10): every send <= 1 s after its window opens.
#   Usage: Benchmarks/timer-accuracy.sh [COUNT]
set -euo pipefail
count="${1:-50}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
mkdir -p "$work/spool/inbox"
# The window opens at the next full minute that is at least 20 s away (UTC).
opens=$(python3 -c '
import time; t = int(time.time()) + 20; t = t - t % 60 + 60
if time.gmtime(t).tm_hour == 23 and time.gmtime(t).tm_min >= 58: t += 180
print(t)')
hhmm=$(date -u -d "@$opens" +%H:%M)
today=$(date -u -d "@$opens" +%F)
cat > "$work/overdue.toml" <<TOML
[spool]
dir = "spool"
[schedule]
timezone = "UTC"
business_hours = "$hhmm-23:59"
business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
[[policy]]
name = "due-day"
stages = [ { name = "overdue", offset_days = 0, channels = ["email"], template = "overdue" } ]
TOML
gen_invoices "$work/spool/inbox" "$count" "$count" "$count" "$today"
"$bin" --config "$work/overdue.toml" run --log-level error &
pid=$!
wait_until=$(( opens + 15 ))
while [ "$(date +%s)" -lt "$wait_until" ]; do sleep 1; done
kill $pid; wait $pid 2>/dev/null || true; pid=""
python3 - "$work/spool/log" "$opens" "$count" <<'PY' | tee "$work/out.txt"
import json, os, sys, datetime
directory, opens, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
late = []
for name in sorted(os.listdir(directory)):
    for line in open(os.path.join(directory, name)):
        entry = json.loads(line)
        if entry.get("event") == "sent":
            t = datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()
            late.append(t - opens)
late.sort()
print(f"Timer accuracy: {len(late)} of {count} sends after the window opened at {datetime.datetime.utcfromtimestamp(opens):%H:%M:%S} UTC")
if late:
    print(f"  first {late[0]*1000:.0f} ms, median {late[len(late)//2]*1000:.0f} ms, last {late[-1]*1000:.0f} ms after it opened")
    print(f"  earliest-ever send before the window: {'yes' if late[0] < 0 else 'no'}")
ok = len(late) == count and late[0] >= 0 and late[-1] <= 1.0
print(f"RESULT|timer accuracy, {count} sends|last send {late[-1]*1000 if late else float('nan'):.0f} ms after the window opened, none before||<= 1 s|{'met' if ok else 'NOT met'}")
PY
