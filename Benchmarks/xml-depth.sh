#!/usr/bin/env bash
# Deeply nested XML (issue 26): UBL invoices whose note nests <a> elements
# SIZE bytes deep (70 KB to 4.5 MB), each read by one `overdue run --once`,
# against a flat file of the same size (the same bytes as siblings,
# <a></a><a></a>…) in the same run. Reading used to cost time quadratic in
# the depth (a minute at 280 KB); it must now be linear in the size: the
# nested file is refused at 64 levels, the flat one read to its end.
# Usage: Benchmarks/xml-depth.sh   (OVERDUE_BIN=PATH to time another build)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '[spool]\ndir = "spool"\n[schedule]\ntimezone = "Europe/Berlin"\n' > "$work/overdue.toml"
timed() {  # timed FILE → seconds for one run --once that reads it
  rm -rf "$work/spool"; mkdir -p "$work/spool/inbox"; cp "$1" "$work/spool/inbox/"
  local t0; t0=$(now)
  "$bin" --config "$work/overdue.toml" run --once --now 2027-01-10T10:00:00Z --log-level error >/dev/null
  calc "$(now) - $t0"
}
worst=0
printf '%10s %12s %12s\n' "bytes" "nested (s)" "flat (s)"
for depth in 10000 40000 160000 640000; do
  python3 - "$work" "$depth" <<'PY'
import sys
work, depth = sys.argv[1], int(sys.argv[2])
head = ('<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
        '<ID>D-1</ID><Note>')
tail = '</Note></Invoice>'
open(f"{work}/nested.xml", "w").write(head + "<a>" * depth + "</a>" * depth + tail)
open(f"{work}/flat.xml", "w").write(head + "<a></a>" * depth + tail)
PY
  size=$(stat -c %s "$work/nested.xml")
  nested=$(timed "$work/nested.xml")
  flat=$(timed "$work/flat.xml")
  printf '%10d %12.2f %12.2f\n' "$size" "$nested" "$flat"
  worst=$(awk -v w="$worst" -v n="$nested" -v f="$flat" 'BEGIN { r = n / f; print (r > w ? r : w) }')
done
result "deeply nested XML: nested / flat time, worst of 70 KB-4.5 MB" "$(printf '%.2f' "$worst")" "x" "≤ 2 (linear)" "$(awk -v w="$worst" 'BEGIN{print (w <= 2)}')"
