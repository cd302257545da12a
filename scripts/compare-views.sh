#!/usr/bin/env bash
# Are the read-only views of two overdue binaries the same over the whole
# example book? For a behaviour-neutral restructuring: BEFORE is a build of
# the commit it starts from, AFTER a build of the result.
#
#   scripts/compare-views.sh BEFORE_BIN AFTER_BIN [OUT_DIR]    (default OUT_DIR: /tmp/overdue-compare-views)
#
# It writes the book of scripts/example-book.py once, gives each binary a
# spool of its own (the same overdue.toml, its own directory) and replays the
# book on both: every drop file goes into both inboxes on its day, and both
# binaries run `run --once --now T` at the same instants (08:00 UTC of every
# drop day and every `next:` the AFTER binary prints, at most MAX_RUNS runs).
# At checkpoints (every CHECKPOINT_DAYS days from the book's start at 12:00
# UTC, again at the first wake-up after each of them just before that run,
# when letters are due and not yet sent, and at the book's end) it captures
# from both binaries, with the same clock: plan (text, --json; --days 30 and
# 120), status (text, --json), preview and show of every invoice, show of
# every customer, pending, the call list, report (text, --json, --html),
# payments, log (text, --json): stdout, stderr and exit status. At the
# end it also compares the letters both runs delivered (the Maildir,
# SPOOL/messages/) and the delivery journal (SPOOL/ledger/sent.jsonl), and the
# stdout of every run. Then it diffs each pair and prints a summary; exit 1 if
# anything differs beyond the expected differences, 2 on a usage error.
#
# Expected differences: JSON keys the AFTER binary may add on purpose, as
# FILE:KEY (FILE is a captured file's name, KEY is removed wherever it occurs
# in the AFTER side's JSON before comparing, never from BEFORE's):
#   IGNORE_JSON_KEYS="status.json:statements status.json:unplaced_credits" (the default)
# or --ignore-json-key FILE:KEY (repeatable; the first one replaces the default).
# Other knobs: MAX_RUNS (default 400), CHECKPOINT_DAYS (default 30).
set -euo pipefail

usage() { sed -n '2,/^set /p' "$0" | sed -n 's/^# \{0,1\}//p' >&2; exit 2; }

ignore_keys=()
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ignore-json-key) [ $# -ge 2 ] || usage; ignore_keys+=("$2"); shift 2 ;;
    -h|--help) usage ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 2 ] && [ ${#args[@]} -le 3 ] || usage
if [ ${#ignore_keys[@]} -eq 0 ]; then
  read -r -a ignore_keys <<< "${IGNORE_JSON_KEYS-status.json:statements status.json:unplaced_credits}"
fi
before_bin="$(realpath "${args[0]}")"
after_bin="$(realpath "${args[1]}")"
for bin in "$before_bin" "$after_bin"; do
  [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
done
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${args[2]:-${TMPDIR:-/tmp}/overdue-compare-views}")"
max_runs="${MAX_RUNS:-400}"
checkpoint_days="${CHECKPOINT_DAYS:-30}"
command -v jq >/dev/null || { echo "jq is needed (apt-get install jq)" >&2; exit 2; }
command -v perl >/dev/null || { echo "perl is needed" >&2; exit 2; }

# OUT_DIR is emptied first: only if it is empty or an earlier run's (marker file).
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -e "$out/.compare-views" ]; then
  echo "$out is not empty and not an earlier compare-views output; give another OUT_DIR" >&2; exit 2
fi
rm -rf "$out"
mkdir -p "$out"
touch "$out/.compare-views"
# The book, written once; each side gets a copy of its config beside its own spool.
python3 "$repo/scripts/example-book.py" "$out/book" >/dev/null
sides=(before after)
declare -A bin=([before]="$before_bin" [after]="$after_bin")
for side in "${sides[@]}"; do
  mkdir -p "$out/$side/spool/inbox"
  cp "$out/book/overdue.toml" "$out/$side/overdue.toml"
done

# The book's period, from example-book.py itself.
read -r book_start book_end < <(python3 -c '
import runpy, sys
m = runpy.run_path(sys.argv[1], run_name="book")
print(m["START"].isoformat(), m["END"].isoformat())' "$repo/scripts/example-book.py")
end="${book_end}T17:00:00Z"

# Checkpoints: every CHECKPOINT_DAYS days from the start at 12:00 UTC, then the end.
checkpoints=()
day="$book_start"
while [[ "$day" < "$book_end" ]]; do
  day="$(date -u -d "$day + $checkpoint_days days" +%F)"
  [[ "$day" < "$book_end" ]] && checkpoints+=("${day}T12:00:00Z")
done
checkpoints+=("$end")

# What the captured text of the two sides may differ in, and nothing else:
# - the side's own directory (OUT/before or OUT/after) is written BOOK;
# - `run --now T` sets the clock to T and lets it run on, so every time the
#   daemon reads from its clock (log lines, journal times, `reminders:` in
#   show, last payment data, a letter's Date header) is T plus however long
#   that process had taken: seconds and their fractions are written `ss`.
#   Planned times are whole minutes, so no planned time is hidden by it;
#   instants are whole hours and a run takes seconds, so the minute stays.
# Nothing else: delivery keys are derived from the ledger, and the signature
# in Message-ID and List-Unsubscribe comes from the spool's random feedback
# secret, which both spools share (see the replay), so letters are compared
# byte for byte but for the seconds of their Date header. (A run's stderr
# log line also has its CPU time, pass.cpu_ms, see capture.)
normalize() { # side < text > text
  perl -pe 'BEGIN { $dir = shift @ARGV } s/\Q$dir\E/BOOK/g;
            s/(\d{4}-\d\d-\d\d[T ]\d\d:\d\d):\d\d(\.\d+)?/$1:ss/g;
            s/^(Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d):\d\d/$1:ss/' "$out/$1"
}

# Runs one command with one binary, keeping stdout, stderr (less its
# wall-clock log prefix) and the exit status; never stops the script.
capture() { # side file command...
  local side="$1" file="$2" rc=0
  shift 2
  (cd "$out/$side" && "${bin[$side]}" --config overdue.toml "$@") >"$file.raw" 2>"$file.stderr.raw" || rc=$?
  normalize "$side" <"$file.raw" >"$file"
  # (a pass's log line also has the CPU time it took: pass.cpu_ms=N)
  sed -E 's/^[0-9-]+T[0-9:]+[+-][0-9]{4} //; s/pass\.cpu_ms=[0-9.]+/pass.cpu_ms=N/' "$file.stderr.raw" |
    normalize "$side" >"$file.stderr"
  rm -f "$file.stderr.raw"
  [ -n "${keep_raw:-}" ] || rm -f "$file.raw"   # a run's raw stdout has the `next:` to go on with
  [ "$rc" -eq 0 ] || echo "exit status $rc" >>"$file.stderr"
  capture_rc="$rc"
}

# Invoice numbers and customer ids in the AFTER side's ledger (both sides
# ingest the same files; a difference there shows in status and show).
ledger_ids() { # jq path
  jq -r "select(.data.customer.id? != null) | $1" "$out/after/spool/ledger/journal.jsonl" 2>/dev/null | sort -u
}

views() { # instant label
  local t="$1" label="$2" d="${1:0:10}" side dir inv cust
  for side in "${sides[@]}"; do
    dir="$out/views/$label/$side"
    mkdir -p "$dir"
    capture "$side" "$dir/plan-30.txt" plan --from "$t" --days 30
    capture "$side" "$dir/plan-30.json" plan --from "$t" --days 30 --json
    capture "$side" "$dir/plan-120.txt" plan --from "$t" --days 120
    capture "$side" "$dir/plan-120.json" plan --from "$t" --days 120 --json
    capture "$side" "$dir/status.txt" status --now "$t"
    capture "$side" "$dir/status.json" status --now "$t" --json
    capture "$side" "$dir/pending.txt" pending --now "$t"
    capture "$side" "$dir/pending.json" pending --now "$t" --json
    capture "$side" "$dir/calls.txt" calls list --date "$d"
    capture "$side" "$dir/calls.json" calls list --date "$d" --json
    capture "$side" "$dir/report.txt" report --at "$d"
    capture "$side" "$dir/report.json" report --at "$d" --json
    capture "$side" "$dir/report-html.txt" report --at "$d" --html "$out/$side/report.html"
    normalize "$side" <"$out/$side/report.html" >"$dir/report.html"
    rm -f "$out/$side/report.html"
    capture "$side" "$dir/payments.txt" payments --unmatched
    capture "$side" "$dir/payments.json" payments --unmatched --json
    capture "$side" "$dir/log.txt" log
    capture "$side" "$dir/log.jsonl" log --json
    for inv in $(ledger_ids .data.invoice); do
      capture "$side" "$dir/preview-$inv.txt" preview "$inv" --now "$t"
      capture "$side" "$dir/show-$inv.txt" show "$inv" --now "$t"
      capture "$side" "$dir/show-$inv.json" show "$inv" --now "$t" --json
    done
    for cust in $(ledger_ids .data.customer.id); do
      capture "$side" "$dir/show-$cust.txt" show "$cust" --now "$t"
      capture "$side" "$dir/show-$cust.json" show "$cust" --now "$t" --json
    done
  done
}

# The replay. The same instants for both sides: AFTER runs first and its
# `next:` (or the next drop day, whichever is first) is the next instant.
echo "replaying the book ${book_start}..${book_end} on both binaries (at most $max_runs runs each)"
mkdir -p "$out/runs/before" "$out/runs/after"
now="${book_start}T08:00:00Z"
runs=0
cp_index=0
capped=""
woken_by_next=""   # this instant is a `next:` the daemon asked for (something falls due)
due_view=""        # a checkpoint passed: take the views again at the next such instant
label() { local t="${1//:/}"; echo "${t%00Z}Z${2:+-$2}"; }   # 2027-02-03T12:00:00Z → 2027-02-03T1200Z
while [[ "$now" < "$end" ]]; do
  # Views at every checkpoint the next run would pass.
  while [ "$cp_index" -lt $((${#checkpoints[@]} - 1)) ] && [[ ! "$now" < "${checkpoints[$cp_index]}" ]]; do
    echo "  views at ${checkpoints[$cp_index]}"
    views "${checkpoints[$cp_index]}" "$(label "${checkpoints[$cp_index]}")"
    cp_index=$((cp_index + 1))
    due_view=yes
  done
  # And just before the first wake-up after it: the views as the daemon is
  # about to send (outbox not empty, previews of letters that are due).
  if [ -n "$due_view" ] && [ -n "$woken_by_next" ]; then
    echo "  views at $now (due, before the run)"
    views "$now" "$(label "$now" due)"
    due_view=""
  fi
  if [ "$runs" -ge "$max_runs" ]; then capped="yes"; break; fi
  day="${now:0:10}"
  # Drop every file dated up to this day that is not in yet, into both inboxes.
  for file in "$out/book/drops"/*; do
    [ -e "$file" ] || break
    name="$(basename "$file")"
    [[ "${name:0:10}" > "$day" ]] && continue
    for side in "${sides[@]}"; do cp "$file" "$out/$side/spool/inbox/$name"; done
    rm "$file"
  done
  for side in after before; do
    keep_raw=1 capture "$side" "$out/runs/run.$side" run --once --now "$now"
    # The replay follows AFTER: if its run fails there is nothing to go on with.
    if [ "$side" = after ] && [ "$capture_rc" -ne 0 ]; then
      echo "the AFTER binary's run at $now failed:" >&2; cat "$out/runs/run.after.stderr" >&2; exit 2
    fi
    { echo "== run --once --now $now"; cat "$out/runs/run.$side"; } >>"$out/runs/$side/runs.txt"
    { echo "== run --once --now $now"; cat "$out/runs/run.$side.stderr"; } >>"$out/runs/$side/runs.stderr"
    # The feedback secret (SPOOL/keys/feedback.key) is random per spool and
    # signs the Message-ID and unsubscribe tokens of every letter: BEFORE's
    # spool gets AFTER's key before its first run, so letters compare byte
    # for byte instead of being normalised.
    if [ "$side" = after ] && [ ! -e "$out/before/spool/keys" ] && [ -e "$out/after/spool/keys" ]; then
      cp -a "$out/after/spool/keys" "$out/before/spool/keys"
    fi
  done
  runs=$((runs + 1))
  next="$(sed -n 's/^next: //p' "$out/runs/run.after.raw")"
  upcoming="$(ls "$out/book/drops" 2>/dev/null | head -1 | cut -c1-10)"
  [ -n "$upcoming" ] && upcoming="${upcoming}T08:00:00Z"
  woken_by_next=yes
  if [ -z "$next" ] || [ "$next" = "none" ]; then next="${upcoming:-$end}"; woken_by_next=""; fi
  [ -n "$upcoming" ] && [[ "$upcoming" < "$next" ]] && { next="$upcoming"; woken_by_next=""; }
  next="${next%%.*}"; [[ "$next" == *Z ]] || next="${next}Z"
  [[ "$next" > "$now" ]] || { next="$(date -u -d "$now + 1 hour" +%Y-%m-%dT%H:%M:%SZ)"; woken_by_next=""; }
  now="$next"
done
rm -f "$out/runs/run."*
# The rest of the checkpoints, the end among them.
while [ "$cp_index" -lt ${#checkpoints[@]} ]; do
  echo "  views at ${checkpoints[$cp_index]}"
  views "${checkpoints[$cp_index]}" "$(label "${checkpoints[$cp_index]}")"
  cp_index=$((cp_index + 1))
done
if [ -n "$capped" ]; then
  echo "ran each binary $runs time(s): capped at MAX_RUNS=$max_runs before the end of the book"
else
  echo "ran each binary $runs time(s)"
fi

# What the runs delivered: the Maildir letters (named by delivery key), the
# day files of SPOOL/messages/ and the delivery journal, normalised as above.
for side in "${sides[@]}"; do
  dir="$out/delivered/$side"
  mkdir -p "$dir"
  for box in new cur; do
    for file in "$out/$side/spool/mail/$box"/*; do
      [ -e "$file" ] || continue
      normalize "$side" <"$file" >"$dir/mail-$box-$(basename "$file")"
    done
  done
  for file in "$out/$side/spool/messages"/*; do
    [ -e "$file" ] || continue
    normalize "$side" <"$file" >"$dir/messages-$(basename "$file")"
  done
  normalize "$side" <"$out/$side/spool/ledger/sent.jsonl" >"$dir/sent.jsonl"
done

# The comparison. A JSON file (.json, .jsonl) is compared as canonical JSON
# (keys sorted, jq's layout) after removing the expected keys from the AFTER
# side, so its diff reads field by field; everything else byte for byte.
jq_ignore() { # file-name side
  local name="$1" side="$2" entry keys=()
  if [ "$side" = after ]; then
    for entry in "${ignore_keys[@]}"; do
      [ "${entry%%:*}" = "$name" ] && keys+=("${entry#*:}")
    done
  fi
  if [ ${#keys[@]} -eq 0 ]; then echo '[]'; else printf '%s\n' "${keys[@]}" | jq -R . | jq -s -c .; fi
}
canonical() { # file side
  local name
  name="$(basename "$1")"
  if jq -e . "$1" >/dev/null 2>&1; then
    jq -S --argjson drop "$(jq_ignore "$name" "$2")" '
      def prune: if type == "object" then with_entries(select(.key as $k | $drop | any(.[]; . == $k) | not) | .value |= prune)
                 elif type == "array" then map(prune) else . end;
      prune' "$1"
  else
    cat "$1"
  fi
}

summary="$out/summary.txt"
: >"$summary"
identical=0
expected=0
differing=0
diffs="$out/diffs"
mkdir -p "$diffs"
compare_pair() { # label before-file after-file
  local label="$1" a="$2" b="$3" patch
  patch="$diffs/$(echo "$label" | tr '/' '_').diff"
  if [ ! -e "$a" ] || [ ! -e "$b" ]; then
    differing=$((differing + 1))
    echo "DIFFERS  $label: only in $([ -e "$a" ] && echo before || echo after)" | tee -a "$summary"
    return
  fi
  if cmp -s "$a" "$b"; then identical=$((identical + 1)); return; fi
  case "$a" in
    *.json|*.jsonl)
      if diff -u --label "before/$label" --label "after/$label" <(canonical "$a" before) <(canonical "$b" after) >"$patch"; then
        rm -f "$patch"
        expected=$((expected + 1))
        echo "EXPECTED $label: differs only in ignored keys or JSON layout" | tee -a "$summary"
        return
      fi ;;
    *) diff -u --label "before/$label" --label "after/$label" "$a" "$b" >"$patch" || true ;;
  esac
  differing=$((differing + 1))
  local changed lines
  changed="$(grep -c '^[-+][^-+]' "$patch" || true)"
  lines="$(wc -l <"$patch")"
  {
    echo "DIFFERS  $label ($changed changed line(s), $patch):"
    sed -n '3,40p' "$patch" | sed 's/^/    /'
    [ "$lines" -le 40 ] || echo "    …"
  } | tee -a "$summary"
}
# Every captured file, from either side (a file only one side has differs).
while IFS= read -r rel; do
  compare_pair "$rel" "$out/${rel/\{side\}/before}" "$out/${rel/\{side\}/after}"
done < <(
  cd "$out"
  for side in "${sides[@]}"; do
    find views runs delivered -path "*/$side/*" -type f 2>/dev/null | sed "s#/$side/#/{side}/#"
  done | sort -u
)
echo "compared $((identical + expected + differing)) pair(s): $identical identical, $expected equal but for expected differences (${ignore_keys[*]:-none ignored}), $differing differing" | tee -a "$summary"
echo "outputs in $out (views/, runs/, delivered/, diffs/, summary.txt)"
[ "$differing" -eq 0 ]
