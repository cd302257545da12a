#!/usr/bin/env python3
"""camt.053 and camt.054 samples with known content, for the statement
reader's test: the same entries written in versions .001.02, .001.04,
.001.06 and .001.08 (the layouts that differ: `Sts` vs `Sts/Cd`, `Dbtr/Nm`
vs `Dbtr/Pty/Nm`, a transaction's amount in `AmtDtls/TxAmt/Amt` vs `Amt`).
Each file is then read by an independent parser (bankstatementparser, in
the test venv), whose reading is printed beside the intended content, so
the test knows the files say what the table says.
   Usage: .venv-test/bin/python3 scripts/camt-samples.py OUTDIR   → JSON on stdout"""
import json, os, sys, tempfile
from xml.sax.saxutils import escape

ENTRIES = [
    # (mark, amount, status, value date, bank ref, reversal, reason, [transactions])
    # transaction: (amount or None, end-to-end id, debtor, IBAN, unstructured, structured RF)
    ("CRDT", "1200.00", "BOOK", "2027-01-16", "BANKREF-1", False, None,
     [(None, "E2E-1", "Acme GmbH", "DE89370400440532013000", None, "RF18539007547034")]),
    ("CRDT", "850.50", "BOOK", "2027-01-17", "BANKREF-2", False, None,
     [(None, "NOTPROVIDED", "Bäckerei Müller & Söhne", "DE02120300000000202051", "Rechnung INV-0042 danke", None)]),
    ("CRDT", "300.00", "BOOK", "2027-01-18", "BANKREF-3", False, None,
     [("100.00", "E2E-3A", "First Payer Ltd", "GB33BUKB20201555555555", "INV-7", None),
      ("200.00", "E2E-3B", "Second Payer SARL", "FR1420041010050500013M02606", "Facture INV-8", None)]),
    ("DBIT", "99.99", "BOOK", "2027-01-18", "BANKREF-4", False, None,
     [(None, "E2E-4", "Someone", "DE89370400440532013000", "Bank fee", None)]),
    # A returned credit: ISO 20022 books it DBIT with RvslInd (CRDT with it would take back a debit).
    ("DBIT", "850.50", "BOOK", "2027-01-19", "BANKREF-5", True, "AC04",
     [(None, "E2E-2R", "Bäckerei Müller & Söhne", "DE02120300000000202051", "Rechnung INV-0042 danke", None)]),
    ("CRDT", "55.00", "PDNG", "2027-01-20", "BANKREF-6", False, None,
     [(None, "E2E-6", "Pending Payer", "DE89370400440532013000", "INV-9", None)]),
]
ACCOUNT = "DE12500105170648489890"

def document(kind, version):
    v = int(version)
    root, container = ("BkToCstmrStmt", "Stmt") if kind == "053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    out = [f'<?xml version="1.0" encoding="UTF-8"?>',
           f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}">',
           f'<{root}><GrpHdr><MsgId>MSG-{kind}-{version}</MsgId><CreDtTm>2027-01-20T18:00:00</CreDtTm></GrpHdr>',
           f'<{container}><Id>S-1</Id><CreDtTm>2027-01-20T18:00:00</CreDtTm>',
           f'<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>']
    for mark, amount, status, day, ref, reversal, reason, txs in ENTRIES:
        sts = f"<Sts><Cd>{status}</Cd></Sts>" if v >= 8 else f"<Sts>{status}</Sts>"
        out.append(f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
                   + ("<RvslInd>true</RvslInd>" if reversal else "") + sts
                   + f'<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>'
                   + '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>')
        if len(txs) > 1:
            out.append(f'<Btch><NbOfTxs>{len(txs)}</NbOfTxs></Btch>')
        for tx_amount, e2e, debtor, iban, ustrd, rf in txs:
            own = tx_amount or amount
            amount_xml = (f'<AmtDtls><TxAmt><Amt Ccy="EUR">{own}</Amt></TxAmt></AmtDtls>' if v < 4
                          else f'<Amt Ccy="EUR">{own}</Amt><CdtDbtInd>{mark}</CdtDbtInd>')
            name = f"<Pty><Nm>{escape(debtor)}</Nm></Pty>" if v >= 8 else f"<Nm>{escape(debtor)}</Nm>"
            rmt = "".join([f"<Ustrd>{escape(ustrd)}</Ustrd>" if ustrd else "",
                           f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>" if rf else ""])
            out.append(f'<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{amount_xml}'
                       f'<RltdPties><Dbtr>{name}</Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>'
                       + (f"<RmtInf>{rmt}</RmtInf>" if rmt else "")
                       + (f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else "")
                       + '</TxDtls>')
        out.append('</NtryDtls></Ntry>')
    out.append(f'</{container}></{root}></Document>')
    return "\n".join(out)

def independent(path, kind):
    """bankstatementparser's reading (it reads camt.053's Stmt; a camt.054's
    Ntfctn holds the same Ntry, so it reads a copy with that one tag renamed)."""
    from bankstatementparser import CamtParser
    text = open(path, encoding="utf-8").read()
    if kind == "054":
        text = text.replace("<Ntfctn>", "<Stmt>").replace("</Ntfctn>", "</Stmt>")
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as copy:
        copy.write(text)
    rows = CamtParser(copy.name).get_transactions()
    os.unlink(copy.name)
    return [{"amount": str(r["Amount"]), "currency": r["Currency"], "mark": r["DrCr"], "debtor": r["Debtor"],
             "value_date": str(r["ValDt"])[:10]} for _, r in rows.iterrows()]

outdir = sys.argv[1]
result = {"entries": [], "files": {}}
for mark, amount, status, day, ref, reversal, reason, txs in ENTRIES:
    for tx_amount, e2e, debtor, iban, ustrd, rf in txs:
        result["entries"].append({"mark": mark, "amount": tx_amount or amount, "status": status, "value_date": day,
                                  "bank_reference": ref, "batch": len(txs) > 1, "reversal": reversal, "return_reason": reason,
                                  "end_to_end_id": e2e, "debtor": debtor, "iban": iban, "remittance": ustrd or "", "creditor_reference": rf})
for kind in ("053", "054"):
    for version in ("02", "04", "06", "08"):
        path = os.path.join(outdir, f"camt.{kind}.001.{version}.xml")
        with open(path, "w", encoding="utf-8") as out:
            out.write(document(kind, version))
        result["files"][path] = independent(path, kind)
json.dump(result, sys.stdout, indent=1)
