#!/usr/bin/env python3
"""A four-month book of sixteen debtors for the report screenshot and for
trying the daemon over time: invoices (some in installments) in six
currencies and thirteen countries, payments on time, late, partial and in
installments, a dispute and its resolution, a promise kept and one broken,
an opt-out. Seeded, so every run writes the same files.

    scripts/example-book.py DIR

writes DIR/overdue.toml and DIR/drops/YYYY-MM-DD-*.json[l]: each file is
dropped into the inbox on its day (scripts/report-screenshot.sh does that,
running the daemon at every wake-up it reports in between).
"""
import datetime as dt
import json
import os
import random
import sys

START = dt.date(2027, 1, 4)
END = dt.date(2027, 5, 3)

DEBTORS = [
    # id, name, country, currency, language, timezone, contact
    ("uhren-keller", "Uhren Keller GmbH", "DE", "EUR", "de", "Europe/Berlin", "Petra Keller"),
    ("alpen-holz", "Alpenholz Handels GmbH", "AT", "EUR", "de-AT", "Europe/Vienna", None),
    ("zuerich-tech", "Zürich Präzision AG", "CH", "CHF", "de-CH", "Europe/Zurich", "Urs Meier"),
    ("bistro-lumiere", "Bistro Lumière SARL", "FR", "EUR", "fr", "Europe/Paris", None),
    ("ferreteria-sol", "Ferretería del Sol S.L.", "ES", "EUR", "es", "Europe/Madrid", "Lucía Gómez"),
    ("vini-rossi", "Vini Rossi S.r.l.", "IT", "EUR", "it", "Europe/Rome", None),
    ("dijk-bouw", "Van Dijk Bouw B.V.", "NL", "EUR", "nl", "Europe/Amsterdam", "Jan de Vries"),
    ("mlyn-krakow", "Młyn Kraków sp. z o.o.", "PL", "PLN", "pl", "Europe/Warsaw", None),
    ("lisboa-texteis", "Têxteis Lisboa Lda.", "PT", "EUR", "pt", "Europe/Lisbon", "Ana Sousa"),
    ("harbour-supplies", "Harbour Supplies Ltd", "GB", "GBP", "en-GB", "Europe/London", "Tom Hughes"),
    ("liffey-print", "Liffey Print Ltd", "IE", "EUR", "en-IE", "Europe/Dublin", None),
    ("brooklyn-goods", "Brooklyn Goods Inc.", "US", "USD", "en-US", "America/New_York", "Maria Lopez"),
    ("pacific-parts", "Pacific Parts LLC", "US", "USD", "en-US", "America/Los_Angeles", None),
    ("mumbai-traders", "Mumbai Traders Pvt Ltd", "IN", "INR", "en-IN", "Asia/Kolkata", "Rahul Mehta"),
    ("thames-cafe", "Thames Café Ltd", "GB", "GBP", "en-GB", "Europe/London", None),
    ("berlin-moebel", "Berliner Möbelhaus KG", "DE", "EUR", "de", "Europe/Berlin", None),
]

SCALE = {"EUR": 1, "GBP": 1, "USD": 1, "CHF": 1, "PLN": 4, "INR": 90}

CONFIG = """# The example book of scripts/example-book.py: a spool beside this file,
# mail into a Maildir, SMS and webhooks into files (the embedded defaults).
[spool]
dir = "spool"

[brand]
name = "Northwind Supplies Ltd"
from = "Northwind Accounts <accounts@northwind.example>"
reply_to = "ar@northwind.example"
phone = "+44 20 7946 0000"
website = "https://northwind.example"
color = "#0B5FFF"
language = "en-GB"

[schedule]
timezone = "Europe/London"
business_hours = "09:00-17:00"
business_days = ["mon", "tue", "wed", "thu", "fri"]
min_gap_days = 3
thank_after_payment = true

[[policy]]
name = "standard"
stages = [
  { name = "courtesy", offset_days = -3, channels = ["email"] },
  { name = "overdue",  offset_days = 1,  channels = ["email"] },
  { name = "firm",     offset_days = 10, channels = ["email"] },
  { name = "final",    offset_days = 24, channels = ["email"], final = true },
]
consequence = { en = "we will pass the matter to our collection agency", de = "übergeben wir die Forderung unserem Inkassobüro", fr = "nous transmettrons le dossier à notre agence de recouvrement", es = "cederemos el expediente a nuestra agencia de recobro", it = "affideremo la pratica alla nostra società di recupero crediti", nl = "dragen wij de vordering over aan ons incassobureau", pl = "przekażemy sprawę firmie windykacyjnej", pt = "entregaremos o processo à nossa empresa de cobranças" }
charges = "statutory"
promise_grace_days = 2
"""


def money(value):
    return f"{value:.2f}"


def main():
    out = sys.argv[1]
    rng = random.Random(2027)
    drops = os.path.join(out, "drops")
    os.makedirs(drops, exist_ok=True)
    with open(os.path.join(out, "overdue.toml"), "w") as f:
        f.write(CONFIG)
    files = {}

    def drop(day, name, record):
        files.setdefault((day.isoformat(), name), []).append(record)

    for number, (cid, name, country, currency, language, zone, contact) in enumerate(DEBTORS):
        customer = {"id": cid, "name": name, "email": f"ap@{cid}.example", "language": language,
                    "timezone": zone, "country": country}
        if contact:
            customer["contact"] = contact
        issued = START - dt.timedelta(days=rng.randint(20, 45))
        for index in range(rng.randint(2, 4)):
            invoice_id = f"NW-{1001 + number * 10 + index}"
            terms = rng.choice([14, 30, 30, 45])
            due = issued + dt.timedelta(days=terms)
            amount = round(rng.uniform(300, 9000) * SCALE[currency], 2)
            record = {"invoice": invoice_id, "customer": customer, "issued": issued.isoformat(), "due": due.isoformat(),
                      "currency": currency, "amount": money(amount),
                      "payment_url": f"https://pay.northwind.example/{invoice_id}"}
            if number % 5 == 2 and index == 0:  # three installments a month apart
                third = round(amount / 3, 2)
                parts = [third, third, round(amount - 2 * third, 2)]
                record["installments"] = [{"due": (due + dt.timedelta(days=30 * k)).isoformat(), "amount": money(p)}
                                          for k, p in enumerate(parts)]
            drop(max(issued, START), "1-invoices.json", record)
            # What the debtor does: most pay, some late, some in part, some not at all.
            behaviour = rng.choices(["on_time", "late", "partial", "never", "dispute", "promise"],
                                    weights=[30, 30, 15, 10, 7, 8])[0]
            pay_day = None
            if behaviour == "on_time":
                pay_day = due - dt.timedelta(days=rng.randint(0, 5))
            elif behaviour == "late":
                pay_day = due + dt.timedelta(days=rng.randint(3, 40))
            if behaviour == "partial":
                day = due + dt.timedelta(days=rng.randint(5, 20))
                drop(max(day, START), "2-events.jsonl", {"event": "payment", "invoice": invoice_id,
                                                       "amount": money(round(amount * 0.4, 2)), "date": day.isoformat(),
                                                       "reference": f"BANK-{invoice_id}-1"})
            if behaviour == "dispute":
                opened = due + dt.timedelta(days=rng.randint(2, 8))
                drop(max(opened, START), "2-events.jsonl", {"event": "dispute", "invoice": invoice_id,
                                                          "date": opened.isoformat(), "reason": "goods arrived damaged"})
                resolved = opened + dt.timedelta(days=rng.randint(10, 20))
                drop(max(resolved, START), "2-events.jsonl", {"event": "resolve", "invoice": invoice_id,
                                                            "date": resolved.isoformat()})
                pay_day = resolved + dt.timedelta(days=rng.choice([5, 60]))
            if behaviour == "promise":
                said = due + dt.timedelta(days=rng.randint(3, 12))
                until = said + dt.timedelta(days=10)
                drop(max(said, START), "2-events.jsonl", {"event": "promise", "invoice": invoice_id, "date": until.isoformat()})
                pay_day = until - dt.timedelta(days=1) if rng.random() < 0.5 else None
            if pay_day is not None:
                drop(max(pay_day, START), "2-events.jsonl", {"event": "payment", "invoice": invoice_id, "amount": money(amount),
                                                           "date": pay_day.isoformat(), "reference": f"BANK-{invoice_id}"})
            issued += dt.timedelta(days=rng.randint(25, 40))
            if issued > END - dt.timedelta(days=20):
                break
    for (day, name), records in sorted(files.items()):
        if day > END.isoformat():
            continue
        path = os.path.join(drops, f"{day}-{name}")
        with open(path, "w") as f:
            if name.endswith(".json"):
                json.dump(records, f, ensure_ascii=False, indent=1)
            else:
                for record in records:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {out}/overdue.toml and {len([k for k in files if k[0] <= END.isoformat()])} drop file(s) in {drops}")


if __name__ == "__main__":
    main()
