#!/usr/bin/env python3
"""The reference reading of MT940 files, for the reader's test: each file
parsed by the mt-940 package (the package whose test corpus it is; its own
tests hold its parse of these files to the .yml results beside them),
printed as JSON: per file, every transaction's mark, amount, currency,
dates, references and the structured field-86 parts; and the date of the
file's final closing balance (:62F:).
   Usage: .venv-test/bin/python3 scripts/mt940-truth.py FILE.sta …"""
import json, sys
import mt940

def text(value):
    return None if value is None else str(value)

out = {}
for path in sys.argv[1:]:
    try:
        transactions = mt940.parse(path)
    except Exception as error:  # a file the reference refuses: the test expects a refusal or no entries
        out[path] = {"error": str(error)}
        continue
    rows = []
    for t in transactions:
        d = t.data
        amount = d.get("amount")
        rows.append({
            "status": d.get("status"),
            "amount": str(abs(amount.amount)) if amount is not None else None,
            "currency": amount.currency if amount is not None else None,
            "date": text(d.get("date")),
            "entry_date": text(d.get("entry_date")),
            "customer_reference": d.get("customer_reference"),
            "bank_reference": d.get("bank_reference"),
            "applicant_name": d.get("applicant_name"),
            "applicant_iban": d.get("applicant_iban"),
            "end_to_end_reference": d.get("end_to_end_reference"),
            "purpose": d.get("purpose"),
        })
    closing = transactions.data.get("final_closing_balance")
    out[path] = {"transactions": rows, "closing_date": text(closing.date) if closing is not None else None}
json.dump(out, sys.stdout, indent=1)
