#!/usr/bin/env bash
# Scale: COUNT open invoices (default 1,000,000) over COUNT/5 debtors already
# in the spool. Measures, on the release build:
# - start to READY=1: `overdue run` started with $NOTIFY_SOCKET (as systemd
#   does) until it reports READY=1 (ledger loaded, delivery journal
#   replayed), twice in the same run: from the ledger snapshot that the
#   ingesting `run --once` wrote (`ledger/snapshot.bin` + the journal's
#   tail), and replay-only (the snapshot moved away, the whole journal);
# - resident memory (VmHWM, the peak) once ready, for both starts;
# - idle CPU over IDLE seconds (default 30) after the first pass;
# - `overdue plan --days 30` on the same spool.
# Targets (issue 10): READY <= 20 s replaying the journal, RSS <= 1 GiB, idle CPU <= 1 %;
# (issue 19) READY <= 3 s with the snapshot, plan --days 30 <= 5 s.
#   Usage: Benchmarks/scale.sh [COUNT] [IDLE]
set -euo pipefail
count="${1:-1000000}"
idle="${2:-30}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; kill $listener 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""; listener=""
mkdir -p "$work/spool/inbox"
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/London"\n' > "$work/overdue.toml"
# Due dates spread over the next months, so the 30-day plan has work to show.
python3 - "$work/spool/inbox" "$count" <<'PY'
import json, sys, datetime
inbox, count = sys.argv[1], int(sys.argv[2])
debtors = max(1, count // 5)
start = datetime.date(2027, 2, 1)
for f in range(count // 10000):
    with open(f"{inbox}/b{f:04}.jsonl", "w") as out:
        for i in range(10000):
            n = f * 10000 + i
            d = n % debtors
            due = start + datetime.timedelta(days=n % 120)
            out.write(json.dumps({"invoice": f"S-{n}", "customer": {"id": f"c{d}", "name": f"Customer {d}",
                "email": f"ap{d}@example.com", "timezone": ["Europe/Berlin", "America/New_York", "Asia/Tokyo"][d % 3]},
                "issued": "2027-01-01", "due": due.isoformat(), "currency": "EUR", "amount": f"{100 + n % 5000}.50"}) + "\n")
PY
t0=$(now)
"$bin" --config "$work/overdue.toml" run --once --now 2027-01-02T12:00:00Z --log-level error >/dev/null
t1=$(now)
ingest=$(calc "$t1 - $t0")

snapshot="$work/spool/ledger/snapshot.bin"
[ -s "$snapshot" ] || { echo "run --once wrote no ledger snapshot"; exit 1; }
snapshot_mib=$(calc "$(stat -c %s "$snapshot") / 1048576")
journal_mib=$(calc "$(stat -c %s "$work/spool/ledger/journal.jsonl") / 1048576")

# start_daemon: starts `overdue run` with a notify socket like systemd's and
# waits for READY=1; sets $ready (seconds) and $pid.
start_daemon() {
  rm -f "$work/notify.sock" "$work/ready.txt"
  python3 - "$work/notify.sock" > "$work/ready.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    data = s.recv(4096).decode()
    if "READY=1" in data.split("\n"):
        print(f"{time.time():.3f}", flush=True); break
PY
  listener=$!
  for _ in $(seq 1 50); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
  t0=$(now)
  NOTIFY_SOCKET="$work/notify.sock" "$bin" --config "$work/overdue.toml" run --now 2027-01-02T12:00:00Z --log-level info 2>"$work/daemon.log" &
  pid=$!
  for _ in $(seq 1 600); do [ -s "$work/ready.txt" ] && break; sleep 0.05; done
  [ -s "$work/ready.txt" ] || { echo "no READY=1 within 30 s"; exit 1; }
  ready=$(calc "$(cat "$work/ready.txt") - $t0")
  wait $listener 2>/dev/null || true; listener=""
}
stop_daemon() { kill $pid; wait $pid 2>/dev/null || true; pid=""; }
# READY=1 comes before the first pass (which plans every debtor): idle is
# measured from the end of that pass.
wait_first_pass() {
  for _ in $(seq 1 1200); do grep -q 'pipeline pass finished' "$work/daemon.log" && return 0; sleep 0.05; done
  echo "no pass within 60 s of READY=1"; exit 1
}

# Replay-only first, the snapshot moved away (this daemon may start writing
# a new one after its first pass; it is stopped before, and the ingest's
# snapshot put back).
mv "$snapshot" "$work/snapshot.aside"
start_daemon
ready_replay=$ready
wait_first_pass
rss_replay=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
stop_daemon
mv -f "$work/snapshot.aside" "$snapshot"

start_daemon
wait_first_pass
hz=$(getconf CLK_TCK)
before=$(awk '{print $14 + $15}' /proc/$pid/stat)
sleep "$idle"
after=$(awk '{print $14 + $15}' /proc/$pid/stat)
rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
cpu=$(calc "($after - $before) / $hz / $idle * 100")
stop_daemon

t0=$(now)
"$bin" --config "$work/overdue.toml" plan --from 2027-01-02T12:00:00Z --days 30 --json > "$work/plan.json"
t1=$(now)
plan=$(calc "$t1 - $t0")
planned=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/plan.json")

echo "Scale: $count open invoices, $(( count / 5 )) debtors (ingested in $(printf '%.1f' "$ingest") s, snapshot written at its end)"
printf '  journal %.0f MiB, snapshot %.0f MiB\n' "$journal_mib" "$snapshot_mib"
printf '  start to READY=1, snapshot + tail   %6.2f s     (target <= 3 s)\n' "$ready"
printf '  start to READY=1, replay-only       %6.2f s     (target <= 20 s)\n' "$ready_replay"
printf '  peak resident memory, snapshot      %6d MiB   (target <= 1024 MiB)\n' "$(( rss / 1024 ))"
printf '  peak resident memory, replay-only   %6d MiB   (target <= 1024 MiB)\n' "$(( rss_replay / 1024 ))"
printf '  idle CPU over %3d s after the first pass %6.2f %% (target <= 1 %%)\n' "$idle" "$cpu"
printf '  plan --days 30          %6.1f s     (target <= 5 s; %s sends listed)\n' "$plan" "$planned"
result "scale $count: start to READY=1 (snapshot)" "$(printf '%.2f s' "$ready")" "" "<= 3 s" "$(awk -v r="$ready" 'BEGIN{print (r <= 3)}')"
result "scale $count: start to READY=1 (replay-only)" "$(printf '%.2f s' "$ready_replay")" "" "<= 20 s" "$(awk -v r="$ready_replay" 'BEGIN{print (r <= 20)}')"
result "scale $count: peak RSS (snapshot)" "$(( rss / 1024 )) MiB" "" "<= 1024 MiB" "$(( rss <= 1048576 ? 1 : 0 ))"
result "scale $count: peak RSS (replay-only)" "$(( rss_replay / 1024 )) MiB" "" "<= 1024 MiB" "$(( rss_replay <= 1048576 ? 1 : 0 ))"
result "scale $count: plan --days 30" "$(printf '%.1f s (%s sends)' "$plan" "$planned")" "" "<= 5 s" "$(awk -v r="$plan" 'BEGIN{print (r <= 5)}')"
result "scale $count: idle CPU" "$(printf '%.2f %%' "$cpu")" "" "<= 1 %" "$(awk -v r="$cpu" 'BEGIN{print (r <= 1)}')"
