#!/usr/bin/env bash
# The benchmark suite (issue 10): every benchmark with its baseline measured
# in the same run, then one table. Release build, loopback only.
#   Benchmarks/run.sh           the full sizes (about 10 minutes)
#   Benchmarks/run.sh --quick   smaller sizes, same code paths (about 2 minutes)
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --bench >/dev/null || exit 1
if [ "${1:-}" = "--quick" ]; then
  smtp=2000; webhook=2000; ingest=20000; pdfs=200; scale=100000; idle=10; timer=20; burst=20000; statement=5000; statement_invoices=30000
else
  smtp=20000; webhook=20000; ingest=100000; pdfs=1000; scale=1000000; idle=60; timer=50; burst=200000; statement=50000; statement_invoices=300000
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() { echo "== $*"; "$@" 2>&1 | tee -a "$out" | grep -v '^RESULT|'; echo; }
run Benchmarks/smtp-dispatch.sh "$smtp"
run Benchmarks/webhook-dispatch.sh "$webhook"
run Benchmarks/month-end.sh "$burst"
run Benchmarks/ingest.sh "$ingest"
run Benchmarks/ingest-pdf.sh "$pdfs"
run Benchmarks/statement-match.sh "$statement" "$statement_invoices"
run Benchmarks/scale.sh "$scale" "$idle"
run Benchmarks/incremental.sh "$scale"
run Benchmarks/delivery-replay.sh "$scale"
run Benchmarks/timer-accuracy.sh "$timer"
echo "Summary ($(date -u +%F), $(nproc) cores, $(swift --version 2>/dev/null | head -1 | sed 's/.*Swift version \([^ ]*\).*/Swift \1/'))"
printf '%-44s | %-62s | %-14s | %s\n' "benchmark" "result" "target" ""
grep '^RESULT|' "$out" | while IFS='|' read -r _ name value _ target verdict; do
  printf '%-44s | %-62s | %-14s | %s\n' "$name" "$value" "$target" "$verdict"
done
