#!/usr/bin/env bash
# The README's report screenshot, made as a user would: the four-month,
# sixteen-debtor book of scripts/example-book.py, each inbox file dropped on
# its day and the daemon run at every wake-up it reports (`run --once --now
# T`, then the `next:` it printed), then `overdue report --html` drawn by
# headless Chromium.
#   scripts/report-screenshot.sh [OUT.png]     default docs/report.png
# The book stays in .report-book/ to look at (letters in spool/mail/).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-docs/report.png}")"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || { echo "chromium is not installed: sudo apt-get install -y chromium" >&2; exit 1; }
swift build --product overdue >/dev/null
bin="$(swift build --show-bin-path)/overdue"
book=.report-book
rm -rf "$book"
python3 scripts/example-book.py "$book" >/dev/null
mkdir -p "$book/spool/inbox"
config="$book/overdue.toml"
end="2027-05-03T17:00:00Z"
now="2027-01-04T08:00:00Z"
runs=0
while [[ "$now" < "$end" ]]; do
  day="${now:0:10}"
  # Drop every file dated up to this day that is not in yet.
  for file in "$book"/drops/*; do
    name="$(basename "$file")"
    [[ "${name:0:10}" > "$day" ]] && continue
    mv "$file" "$book/spool/inbox/$name"
  done
  next="$("$bin" --config "$config" run --once --now "$now" 2>/dev/null | sed -n 's/^next: //p')"
  runs=$((runs + 1))
  # The next wake-up, or the next drop's day if that comes first (a file arriving wakes the daemon).
  upcoming="$(ls "$book"/drops 2>/dev/null | head -1 | cut -c1-10)"
  [ -n "$upcoming" ] && upcoming="${upcoming}T08:00:00Z"
  if [ -z "$next" ] || [ "$next" = "none" ]; then next="${upcoming:-$end}"; fi
  [ -n "$upcoming" ] && [[ "$upcoming" < "$next" ]] && next="$upcoming"
  [[ "$next" > "$now" ]] || next="$(date -u -d "$now + 1 hour" +%Y-%m-%dT%H:%M:%SZ)"
  now="${next%%.*}"; [[ "$now" == *Z ]] || now="${now}Z"
done
"$bin" --config "$config" report --at 2027-05-03 --html "$book/report.html" >/dev/null
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,2400 \
  --screenshot="$out" "file://$PWD/$book/report.html" 2>/dev/null
echo "ran the daemon $runs time(s) from 2027-01-04 to 2027-05-03; report: $book/report.html, screenshot: $out"
