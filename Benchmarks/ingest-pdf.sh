#!/usr/bin/env bash
# Hybrid e-invoice PDFs (issue 16): N Factur-X-style PDFs (~150 KB each, the
# CII invoice embedded as factur-x.xml) read by one `overdue run --once`,
# against the same N invoices dropped as bare XML, in the same run; and the
# peak resident memory of each process. Nothing is sent (the stage is weeks away).
# Usage: Benchmarks/ingest-pdf.sh [COUNT]
set -euo pipefail
count="${1:-1000}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for kind in xml pdf; do
  mkdir -p "$work/$kind/spool/inbox"
  printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/Berlin"\n' > "$work/$kind/overdue.toml"
done
python3 - "$work" "$count" <<'PY'
import sys
sys.path.insert(0, "Tests/TestSupport/servers")
import make_pdf
work, count = sys.argv[1], int(sys.argv[2])
template = open("Tests/OverdueCoreTests/Fixtures/invoice-cii.xml", "rb").read()
for n in range(count):
    xml = template.replace(b"NW-2027-0001", b"NW-B-%06d" % n)
    open(f"{work}/xml/spool/inbox/inv-{n:06}.xml", "wb").write(xml)
    open(f"{work}/pdf/spool/inbox/inv-{n:06}.pdf", "wb").write(make_pdf.hybrid(xml, b"factur-x.xml", pad=150_000))
PY
# measured KIND: files/s and peak RSS (MiB) of one run --once, from wait4.
measured() {
  python3 - "$bin" "$work/$1/overdue.toml" <<'PY'
import os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen([sys.argv[1], "--config", sys.argv[2], "run", "--once", "--now", "2027-01-03T12:00:00Z",
                          "--log-level", "error"], stdout=subprocess.PIPE)
out = child.stdout.read().decode()
_, status, usage = os.wait4(child.pid, 0)
print(time.monotonic() - started, usage.ru_maxrss / 1024, out.replace("\n", " "))
PY
}
read -r xml_seconds xml_rss xml_out <<<"$(measured xml)"
read -r pdf_seconds pdf_rss pdf_out <<<"$(measured pdf)"
for out in "$xml_out" "$pdf_out"; do
  grep -q "ingested $count file(s)" <<<"$out" || { echo "unexpected: $out" >&2; exit 1; }
done
xml_rate=$(calc "$count / $xml_seconds")
pdf_rate=$(calc "$count / $pdf_seconds")
pdf_size=$(du -sk "$work/pdf/spool/archive" | cut -f1)
printf '%-52s %10s %10s\n' "Ingest, $count e-invoices" "files/s" "peak MiB"
printf '%-52s %10.0f %10.0f\n' "bare CII XML" "$xml_rate" "$xml_rss"
printf '%-52s %10.0f %10.0f   (%s MiB of PDFs)\n' "hybrid PDFs (qpdf, XML extracted, PDF kept)" "$pdf_rate" "$pdf_rss" "$(( pdf_size / 1024 ))"
result "ingest, $count hybrid PDFs" "$(printf '%.0f files/s (same as XML: %.0f/s); peak %.0f MiB' "$pdf_rate" "$xml_rate" "$pdf_rss")" "" \
  ">= 1/2 XML rate, < 200 MiB" "$(awk -v p="$pdf_rate" -v x="$xml_rate" -v m="$pdf_rss" 'BEGIN{print (p >= x / 2 && m < 200)}')"
