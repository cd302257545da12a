#!/usr/bin/env bash
# Bank statement matching at scale (issue 30): a camt.053 of ENTRIES credits
# against INVOICES open invoices, read, matched, applied and logged in one
# `run --once`. Baseline in the same run: the same pass over the same ledger
# with a one-entry statement, so the difference is what the statement costs.
# The credits: 40 % name their invoice in the text (in other spellings:
# "inv 000123"), 20 % carry an RF creditor reference, 20 % only the payer's
# name and the exact amount, 20 % nothing anyone could place.
#   Usage: Benchmarks/statement-match.sh [ENTRIES] [INVOICES]   (default 50000 300000)
set -euo pipefail
entries="${1:-50000}"
invoices="${2:-300000}"
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
setup() {  # setup DIR ENTRIES
  local dir=$1 count=$2
  mkdir -p "$dir/spool/inbox"
  cat > "$dir/overdue.toml" <<TOML
[spool]
dir = "spool"
[inbox]
max_file_mb = 256
[[policy]]
name = "one"
stages = [ { name = "overdue", offset_days = 60, channels = ["email"] } ]
TOML
  python3 - "$dir/spool/inbox" "$invoices" <<'PY'
import json, sys
inbox, n = sys.argv[1], int(sys.argv[2])
for start in range(0, n, 50000):
    with open(f"{inbox}/invoices-{start // 50000:03}.jsonl", "w") as out:
        for i in range(start, min(n, start + 50000)):
            out.write(json.dumps({"invoice": f"INV-{i:07}", "customer": {"id": f"d{i}", "name": f"Debtor {i} GmbH", "email": f"ap{i}@example.com"},
                                  "issued": "2027-01-01", "due": "2027-01-31", "currency": "EUR", "amount": f"{100 + i % 900}.50"}) + "\n")
PY
  "$bin" --config "$dir/overdue.toml" run --once --now 2027-01-15T10:00:00Z --log-level error >/dev/null
  python3 - "$dir/statement.xml" "$count" "$invoices" <<'PY'
import sys, random
path, count, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(30)
def rf(body):
    digits = "".join(str(ord(c) - 55) if c.isalpha() else c for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02}{body}"
with open(path, "w") as out:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
              '<GrpHdr><MsgId>B</MsgId><CreDtTm>2027-02-09T18:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id>'
              '<Acct><Id><IBAN>DE12500105170648489890</IBAN></Id></Acct>\n')
    # Each credit for another invoice (a second credit would find it paid).
    for e, i in enumerate(random.sample(range(n), min(count, n))):
        amount, kind = f"{100 + i % 900}.50", e % 5
        name, rmt = f"Debtor {i} GmbH", ""
        if kind in (0, 1): rmt = f"<Ustrd>Rechnung inv {i:09} danke</Ustrd>"
        elif kind == 2: rmt = f"<Strd><CdtrRefInf><Ref>{rf(f'INV{i:07}')}</Ref></CdtrRefInf></Strd>"
        elif kind == 3: rmt = "<Ustrd>Zahlung</Ustrd>"
        else: name, amount, rmt = f"Stranger {e}", "12.34", "<Ustrd>Spende</Ustrd>"
        out.write(f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
                  f'<BookgDt><Dt>2027-02-09</Dt></BookgDt><ValDt><Dt>2027-02-09</Dt></ValDt><AcctSvcrRef>B{e}</AcctSvcrRef>'
                  f'<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>'
                  f'<DbtrAcct><Id><IBAN>DE{e:020}</IBAN></Id></DbtrAcct></RltdPties><RmtInf>{rmt}</RmtInf></TxDtls></NtryDtls></Ntry>\n')
    out.write('</Stmt></BkToCstmrStmt></Document>\n')
PY
}
# time_pass DIR → seconds of the `run --once` that reads the statement
time_pass() {
  local dir=$1 t0
  mv "$dir/statement.xml" "$dir/spool/inbox/statement.xml"
  t0=$(now)
  "$bin" --config "$dir/overdue.toml" run --once --now 2027-02-10T10:00:00Z --log-level error >/dev/null
  calc "$(now) - $t0"
}
setup "$work/base" 1
setup "$work/big" "$entries"
size=$(du -m "$work/big/statement.xml" | cut -f1)
base=$(time_pass "$work/base")
big=$(time_pass "$work/big")
line=$(cat "$work"/big/spool/log/* | grep '"event":"statement"' | tail -1)
matched=$(echo "$line" | grep -o '"matched":[0-9]*' | cut -d: -f2)
unmatched=$(echo "$line" | grep -o '"unmatched":[0-9]*' | cut -d: -f2)
cost=$(calc "$big - $base")
printf 'Statement matching: camt.053 of %s credits (%s MiB) against %s open invoices\n' "$entries" "$size" "$invoices"
printf '  run --once with a 1-entry statement (baseline)   %6.2f s\n' "$base"
printf '  run --once with the %s-entry statement        %6.2f s\n' "$entries" "$big"
printf '  the statement itself (read, match, apply, log)    %6.2f s  (%.0f entries/s)\n' "$cost" "$(calc "$entries / $cost")"
printf '  matched %s, unmatched %s (expected %s and %s)\n' "$matched" "$unmatched" "$(( entries * 4 / 5 ))" "$(( entries / 5 ))"
result "statement $entries entries vs $invoices invoices" "$(printf '%.2f s over the baseline pass (%.2f s): %s matched, %s unmatched' "$cost" "$base" "$matched" "$unmatched")" "" "every placeable credit placed" \
  "$( [ "$matched" = "$(( entries * 4 / 5 ))" ] && echo 1 || echo 0)"
