#!/usr/bin/env bash
# Month-end burst: N letters due at once in a running daemon (`overdue run`
# with a systemd-style notify socket and WATCHDOG_USEC), half e-mail to
# Postfix's smtp-sink, half signed webhooks to nginx, both on 127.0.0.1.
# Measured: time from the first to the last send (and the rate), the
# daemon's peak resident memory, and the gaps between its WATCHDOG=1 pings
# while it drains (pings every 1 s; systemd would restart it after 2 s).
# Targets (issue 29): peak RSS <= 1 GiB, watchdog gaps <= 1.5 s.
#   Usage: Benchmarks/month-end.sh [N]       (default 200000)
set -euo pipefail
n="${1:-200000}"
source "$(dirname "$0")/lib.sh"
scripts/setup-deps.sh --bench >/dev/null
work=$(mktemp -d)
smtp_port=$(free_port)
http_port=$(free_port)
/usr/sbin/smtp-sink $( [ "$(id -u)" = 0 ] && echo -u nobody ) 127.0.0.1:$smtp_port 256 &
sink=$!
disown "$sink"
start_nginx "$work" "$http_port"
pid=""; listener=""
trap 'kill -9 $sink 2>/dev/null || true; kill $nginx_pid ${pid:-} ${listener:-} 2>/dev/null || true; rm -rf "$work"' EXIT
webhook_secret "$work"
mkdir -p "$work/spool/inbox"
{ open_schedule; cat <<TOML
[[policy]]
name = "mail"
stages = [ { name = "overdue", offset_days = 1, channels = ["email"] } ]
[[policy]]
name = "hooks"
stages = [ { name = "overdue", offset_days = 1, channels = ["webhook"] } ]
[channels.email]
url = "smtp://127.0.0.1:$smtp_port"
starttls = "off"
max_connections = 8
[channels.webhook]
url = "http://127.0.0.1:$http_port/hooks"
secret_file = "$work/webhook.secret"
max_connections = 8
TOML
} > "$work/overdue.toml"
# N invoices of N debtors, every other one on each channel, all due the same day.
python3 - "$work/spool/inbox" "$n" <<'PY'
import json, sys
inbox, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    # Files of 50,000 records stay under [inbox].max_file_mb.
    with open(f"{inbox}/month-end-{i // 50000:03}.jsonl", "a") as out:
        out.write(json.dumps({"invoice": f"M-{i}", "policy": "mail" if i % 2 == 0 else "hooks",
                              "customer": {"id": f"d{i}", "name": f"Debtor {i}", "email": f"ap{i}@example.com"},
                              "issued": "2027-01-01", "due": "2027-02-01", "currency": "EUR",
                              "amount": f"{1000 + i % 900}.50"}) + "\n")
PY
t0=$(now)
"$bin" --config "$work/overdue.toml" run --once --now 2027-01-15T10:00:00Z --log-level error >/dev/null
ingest=$(calc "$(now) - $t0")
if [ -n "$(ls "$work/spool/rejected")" ]; then echo "the set-up's invoices were rejected:"; cat "$work"/spool/rejected/*.error; exit 1; fi

# Every notify message with the time it arrived.
python3 - "$work/notify.sock" > "$work/notify.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    for line in s.recv(4096).decode().split("\n"):
        if line: print(f"{time.time():.3f} {line}", flush=True)
PY
listener=$!
for _ in $(seq 1 50); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
start=$(now)
WATCHDOG_USEC=2000000 NOTIFY_SOCKET="$work/notify.sock" "$bin" --config "$work/overdue.toml" run \
  --now 2027-02-02T10:00:00Z --log-level info 2>"$work/daemon.log" &
pid=$!
# Drained when the delivery log holds N sends (bounded: 30 minutes).
sent=0
for _ in $(seq 1 1800); do
  sent=$(cat "$work"/spool/log/* 2>/dev/null | grep -c '"event":"sent"' || true)
  [ "$sent" -ge "$n" ] && break
  kill -0 $pid 2>/dev/null || { echo "the daemon exited"; tail -5 "$work/daemon.log"; exit 1; }
  sleep 1
done
drained=$(now)
sleep 2  # pings after the drain, so the last gap is closed
rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true; pid=""
python3 - "$work/notify.txt" "$work/spool/log" "$start" "$drained" "$n" "$rss" "$ingest" <<'PY'
import json, os, sys, datetime
notify, logdir, start, drained, n, rss, ingest = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
times = {"email": [], "webhook": []}
for name in sorted(os.listdir(logdir)):
    for line in open(os.path.join(logdir, name)):
        entry = json.loads(line)
        if entry.get("event") == "sent":
            times[entry.get("channel", "email")].append(datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp())
sends = sorted(times["email"] + times["webhook"])
events = [line.split(" ", 1) for line in open(notify).read().splitlines()]
ready = next(float(t) for t, m in events if m == "READY=1")
pings = [float(t) for t, m in events if m == "WATCHDOG=1"]
# Gaps from READY=1 to the first ping after the drain.
marks = [ready] + [t for t in pings if t > ready]
gaps = [b - a for a, b in zip(marks, marks[1:]) if a <= drained]
worst = max(gaps) if gaps else float("inf")
span = sends[-1] - sends[0] if len(sends) > 1 else float("nan")
# The log's times are the daemon's clock (started at --now): spans, not instants, compare.
print(f"Month-end burst: {n} letters due at once ({len(times['email'])} e-mails to smtp-sink, {len(times['webhook'])} signed webhooks to nginx)")
print(f"  ingest (run --once, untimed part)   {ingest:8.1f} s")
print(f"  start to READY=1                    {ready - start:8.2f} s")
print(f"  first to last send                  {span:8.1f} s   ({len(sends) / span:,.0f} letters/s)")
print(f"  start to drained                    {drained - start:8.1f} s")
print(f"  peak resident memory                {rss // 1024:8d} MiB (target <= 1024 MiB)")
print(f"  watchdog pings while draining       {len(gaps):8d}, largest gap {worst:.2f} s (pinged every 1 s; target <= 1.5 s)")
ok = len(sends) == n
print(f"RESULT|month-end burst {n}: drain|{span:.0f} s from first to last send ({len(sends) / span:,.0f}/s, {len(sends)} sent)||all sent|{'met' if ok else 'NOT met'}")
print(f"RESULT|month-end burst {n}: peak RSS|{rss // 1024} MiB||<= 1024 MiB|{'met' if ok and rss <= 1048576 else 'NOT met'}")
print(f"RESULT|month-end burst {n}: watchdog gaps|largest {worst:.2f} s over {len(gaps)} pings||<= 1.5 s|{'met' if ok and worst <= 1.5 else 'NOT met'}")
PY
