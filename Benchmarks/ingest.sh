#!/usr/bin/env bash
# Ingest throughput: 100,000 invoices as 99 files of 1,000 JSON Lines plus
# 1,000 single-invoice JSON files, read by one `overdue run --once` (every
# record validated, journaled with fdatasync, archived, logged; the stage is
# weeks away, so nothing is sent). Baseline in the same run: Python's json
# module parsing the same files (no validation, no durability).
# Target (issue 10): >= 20,000 invoices a second.   Usage: Benchmarks/ingest.sh [COUNT]
set -euo pipefail
count="${1:-100000}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/spool/inbox"
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/London"\n' > "$work/overdue.toml"
singles=$(( count / 100 ))
gen_invoices "$work/spool/inbox" "$count" 1000 $(( count / 5 )) 2027-06-01 "$singles"
t0=$(now)
python3 - "$work/spool/inbox" <<'PY'
import json, os, sys
n = 0
for name in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], name)) as f:
        for line in f:
            if line.strip(): json.loads(line); n += 1
PY
t1=$(now)
python_rate=$(calc "$count / ($t1 - $t0)")
t0=$(now)
"$bin" --config "$work/overdue.toml" run --once --now 2027-01-03T12:00:00Z --log-level error > "$work/run.txt"
t1=$(now)
accepted=$(grep -o '[0-9]* record(s) accepted' "$work/run.txt" | grep -o '^[0-9]*')
rate=$(calc "$accepted / ($t1 - $t0)")
printf '%-52s %10s\n' "Ingest, $count invoices ($(( (count - singles) / 1000 )) x 1,000 lines + $singles single files)" "invoices/s"
printf '%-52s %10.0f\n' "Python json.loads only (no validation, no fsync)" "$python_rate"
printf '%-52s %10.0f   (%s accepted in %.1f s)\n' "overdue run --once (validated, journaled, archived)" "$rate" "$accepted" "$(calc "$t1 - $t0")"
result "ingest, $count invoices" "$(printf '%.0f/s (Python json.loads alone %.0f/s)' "$rate" "$python_rate")" "" ">= 20,000/s" \
  "$( [ "$accepted" = "$count" ] && awk -v r="$rate" 'BEGIN{print (r >= 20000)}' || echo 0)"
