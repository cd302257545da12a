#!/usr/bin/env bash
# The delivery journal's replay at scale: COUNT delivery outcomes (default
# 1,000,000) in ledger/sent.jsonl; `overdue status` timed with the delivery
# snapshot (`ledger/sent-snapshot.bin`, written by `run --once`) and with it
# moved away (the whole journal replayed), in the same run.
#   Usage: Benchmarks/delivery-replay.sh [COUNT]
set -euo pipefail
count="${1:-1000000}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/spool/inbox" "$work/spool/ledger"
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/London"\n' > "$work/overdue.toml"
# Outcomes as the dispatcher writes them, with a deferral and a re-queue now and then.
python3 - "$work/spool/ledger/sent.jsonl" "$count" <<'PY'
import json, sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "w") as out:
    for n in range(count):
        t = f"2027-0{1 + n % 9}-{1 + n % 28:02}T10:{n % 60:02}:00.000Z"
        if n % 50 == 7:
            out.write(json.dumps({"type": "deferred", "key": f"od1-{n}", "attempt": 1, "next": t, "first": t, "time": t}) + "\n")
        out.write(json.dumps({"type": "outcome", "key": f"od1-{n}", "customer": f"c{n % 40000}", "channel": "email",
                              "recipient": f"ap{n % 40000}@example.com", "stage": "overdue",
                              "items": [{"invoice": f"S-{n}", "stage": "overdue"}], "time": t,
                              "status": "failed" if n % 100 == 3 else "sent", "code": 250, "detail": ""}) + "\n")
        if n % 100 == 3:
            out.write(json.dumps({"type": "requeue", "key": f"od1-{n}", "time": t}) + "\n")
PY
OVERDUE_SNAPSHOT_MIN_BYTES=1 "$bin" --config "$work/overdue.toml" run --once --now 2027-10-01T12:00:00Z --log-level error >/dev/null
[ -s "$work/spool/ledger/sent-snapshot.bin" ] || { echo "run --once wrote no delivery snapshot"; exit 1; }
timed() { local t0; t0=$(now); "$bin" --config "$work/overdue.toml" status --json --now 2027-10-01T12:00:00Z > "$1"; calc "$(now) - $t0"; }
with=$(timed "$work/with.json")
mv "$work/spool/ledger/sent-snapshot.bin" "$work/aside.bin"
without=$(timed "$work/without.json")
cmp -s "$work/with.json" "$work/without.json" || { echo "status differs with and without the delivery snapshot"; exit 1; }
echo "Delivery journal: $count outcomes ($(( $(stat -c %s "$work/spool/ledger/sent.jsonl") / 1048576 )) MiB)"
printf '  status --json, delivery snapshot + tail   %6.2f s\n' "$with"
printf '  status --json, whole journal replayed     %6.2f s\n' "$without"
result "delivery replay $count: status with / without the snapshot" "$(printf '%.2f s / %.2f s' "$with" "$without")" "" "faster" "$(awk -v a="$with" -v b="$without" 'BEGIN{print (a < b)}')"
