# Shared by the benchmark scripts: the release binary, a free loopback port,
# a clock, and the result line that Benchmarks/run.sh collects.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product overdue >/dev/null
bin="$(swift build -c release --show-bin-path)/overdue"
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
