#!/usr/bin/env python3
"""The reliability harness (issue 10): survival, not speed.

  1. kill -9 during dispatch: the swift-testing crash test with the harness's
     sizes (OVERDUE_CRASH_DELIVERIES, OVERDUE_CRASH_KILLS): 0 lost, duplicates
     only from in-flight chunks, with the same Message-IDs.
  2. The SMTP fault matrix through the whole daemon: Postfix's smtp-sink with
     a fault flag, `overdue run --once`, then the fault gone and a later run:
     every delivery ends in the outcome its class promises (deferred ones are
     delivered later, failed ones stay dead letters, ambiguous ones are not
     resent), and the daemon never crashes.
  3. A full disk: the spool on a small tmpfs, filled; the daemon (`overdue
     run`) stays up, logs the error, loses nothing, and catches up by itself
     when space is freed.
  4. Bad inbox files: generated truncated and mutated JSON, CSV and XML,
     wrong encodings, huge fields and binary, mixed with good files: 0
     crashes, every bad file rejected with a reason, every good one accepted.

Prints a summary table; exits 1 if any check failed.
Usage: Benchmarks/reliability.py BINARY [--quick]
"""
import json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time

BIN = sys.argv[1]
QUICK = "--quick" in sys.argv
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = []


def record(name, ok, detail):
    results.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def overdue(config, *args, env=None, timeout=600):
    return subprocess.run([BIN, "--config", config, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def invoice(n, due="2027-03-01", email=None):
    return {"invoice": f"R-{n}", "customer": {"id": f"r{n}", "name": f"Debtor {n}", "email": email or f"ap{n}@example.com"},
            "issued": "2027-02-01", "due": due, "currency": "EUR", "amount": "10.00"}


def log_events(spool):
    events = []
    directory = os.path.join(spool, "log")
    for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        with open(os.path.join(directory, name)) as f:
            events += [json.loads(line) for line in f if line.strip()]
    return events


def write_config(directory, extra="", spool="spool"):
    path = os.path.join(directory, "overdue.toml")
    with open(path, "w") as f:
        f.write(f'[spool]\ndir = "{spool}"\n[schedule]\ntimezone = "UTC"\nbusiness_hours = "00:00-24:00"\n'
                'business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n'
                '[[policy]]\nname = "one"\nstages = [ { name = "overdue", offset_days = 1, channels = ["email"] } ]\n'
                '[daemon]\nretry_first_seconds = 60\nretry_max_seconds = 60\n' + extra)
    return path


# 1. kill -9 ------------------------------------------------------------------
def kill_nine():
    if QUICK:
        record("kill -9 during dispatch", True, "in --quick, run by the test suite itself (CrashTests: 20 kills over 2,400 deliveries)")
        return
    deliveries, kills = 10000, 30
    env = {**os.environ, "OVERDUE_CRASH_DELIVERIES": str(deliveries), "OVERDUE_CRASH_KILLS": str(kills)}
    run = subprocess.run(["swift", "test", "--skip-build", "--filter", "CrashTests"], cwd=ROOT, capture_output=True,
                         text=True, env=env, timeout=3600)
    line = next((l for l in run.stdout.splitlines() if l.startswith("crash test:")), "no summary line")
    record(f"kill -9 x{kills} over {deliveries:,} deliveries", run.returncode == 0, line.removeprefix("crash test: "))


# 2. SMTP fault matrix ---------------------------------------------------------
FAULTS = [
    # flags, outcome of the first run, what the second run (fault gone) does
    (["-r", "RCPT"], "deferred", "sent"),
    (["-r", "MAIL"], "deferred", "sent"),
    (["-Q", "RCPT"], "deferred", "sent"),
    (["-q", "MAIL"], "deferred", "sent"),
    (["-W", "RCPT:6"], "deferred", "sent"),
    (["-f", "RCPT"], "failed", "stays failed"),
    (["-f", "DATA"], "failed", "stays failed"),
    (["-q", "."], "ambiguous", "not resent"),
    (["-W", ".:6"], "ambiguous", "not resent"),
]


def sink(port, flags):
    user = ["-u", "nobody"] if os.getuid() == 0 else []
    process = subprocess.Popen(["/usr/sbin/smtp-sink", *user, *flags, f"127.0.0.1:{port}", "64"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("smtp-sink did not start")


def fault_matrix():
    count = 5 if QUICK else 20
    for flags, first, second in FAULTS:
        work = tempfile.mkdtemp(prefix="overdue-fault-")
        try:
            port = free_port()
            config = write_config(work, f'[channels.email]\nurl = "smtp://127.0.0.1:{port}"\nstarttls = "off"\ntimeout_seconds = 3\n')
            os.makedirs(os.path.join(work, "spool/inbox"))
            with open(os.path.join(work, "spool/inbox/i.jsonl"), "w") as f:
                for n in range(count): f.write(json.dumps(invoice(n)) + "\n")
            server = sink(port, flags)
            try:
                one = overdue(config, "run", "--once", "--now", "2027-03-02T10:00:00Z", "--log-level", "critical")
            finally:
                server.kill(); server.wait()
            server = sink(port, [])
            try:
                two = overdue(config, "run", "--once", "--now", "2027-03-02T12:00:00Z", "--log-level", "critical")
            finally:
                server.kill(); server.wait()
            events = log_events(os.path.join(work, "spool"))
            per_key = {}
            for e in events:
                if e.get("channel") == "email" and e["event"] in ("sent", "deferred", "failed", "ambiguous"):
                    per_key.setdefault(e["key"], []).append(e["event"])
            firsts = {v[0] for v in per_key.values()}
            lasts = [v[-1] for v in per_key.values()]
            crashed = one.returncode != 0 or two.returncode != 0
            if second == "sent":
                ok = firsts == {first} and lasts.count("sent") == count
            elif first == "ambiguous":
                # A server that stalls after the message: what was sent is
                # ambiguous and never resent; a connection that timed out
                # before anything was sent is deferred and sent later.
                ok = "ambiguous" in firsts and all(v == ["ambiguous"] or (v[0] == "deferred" and v[-1] == "sent" and "ambiguous" not in v)
                                                   for v in per_key.values())
            else:
                ok = firsts == {first} and all(len(v) == 1 for v in per_key.values())
            ok = ok and not crashed and len(per_key) == count
            record(f"smtp-sink {' '.join(flags)}", ok,
                   f"{count} x {first}, then {second} ({sum(len(v) for v in per_key.values())} outcomes logged, exit {one.returncode}/{two.returncode})")
        finally:
            shutil.rmtree(work, ignore_errors=True)


# 3. Full disk --------------------------------------------------------------
def full_disk():
    work = tempfile.mkdtemp(prefix="overdue-full-")
    mount = os.path.join(work, "spool")
    os.makedirs(mount)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount], capture_output=True).returncode != 0:
        record("full disk (tmpfs)", True, "skipped: cannot mount a tmpfs here (needs root)")
        shutil.rmtree(work, ignore_errors=True)
        return
    daemon = None
    try:
        config = write_config(work)  # e-mail to the embedded Maildir, inside the full spool
        inbox = os.path.join(mount, "inbox")
        os.makedirs(inbox)
        daemon = subprocess.Popen([BIN, "--config", config, "run", "--now", "2027-03-02T10:00:00Z", "--log-level", "warning"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        # Hold the daemon, drop the files, fill the disk to the last byte,
        # then let it go: every write it tries fails with ENOSPC.
        daemon.send_signal(signal.SIGSTOP)
        count = 40
        for n in range(count):
            with open(os.path.join(inbox, f".{n}.json"), "w") as f: json.dump(invoice(n), f)
            os.rename(os.path.join(inbox, f".{n}.json"), os.path.join(inbox, f"{n}.json"))
        filler = os.path.join(mount, "filler")
        with open(filler, "wb", buffering=0) as f:
            for size in (65536, 4096, 512, 1):
                try:
                    while True: f.write(b"\0" * size); f.flush()
                except OSError:
                    pass
        daemon.send_signal(signal.SIGCONT)
        time.sleep(3)
        alive_while_full = daemon.poll() is None
        left_in_inbox = len([n for n in os.listdir(inbox) if not n.startswith(".")])
        os.remove(filler)  # space is freed; the daemon retries on its own
        deadline = time.time() + 40
        status = {}
        while time.time() < deadline:
            time.sleep(1)
            run = overdue(config, "status", "--json")
            if run.returncode == 0:
                status = json.loads(run.stdout)
                if status.get("sent") == count: break
        # Then a batch that only partly fits: a payment of 4.00 on each
        # invoice while two pages are free, so the journal write stops in the
        # middle. After space is freed, each payment must count exactly once,
        # also when the ledger is read back from disk (`report` replays it).
        daemon.send_signal(signal.SIGSTOP)
        with open(os.path.join(inbox, ".pay.jsonl"), "w") as f:
            for n in range(count):
                f.write(json.dumps({"event": "payment", "invoice": f"R-{n}", "amount": "4.00", "date": "2027-03-02",
                                    "reference": f"SEPA-{n}-" + "x" * 180}) + "\n")
        os.rename(os.path.join(inbox, ".pay.jsonl"), os.path.join(inbox, "pay.jsonl"))
        with open(filler, "wb", buffering=0) as f:
            for size in (65536, 4096):
                try:
                    while True: f.write(b"\0" * size)
                except OSError:
                    pass
        os.truncate(filler, max(0, os.path.getsize(filler) - 8192))
        daemon.send_signal(signal.SIGCONT)
        time.sleep(3)
        os.remove(filler)
        open_amount, report_error = None, ""
        deadline = time.time() + 40
        while time.time() < deadline:
            time.sleep(1)
            run = overdue(config, "report", "--json", "--at", "2027-03-02")
            if run.returncode != 0: report_error = run.stderr.strip()[:300]
            if run.returncode == 0:
                currencies = json.loads(run.stdout).get("currencies", [])
                open_amount = currencies[0]["open"] if currencies else None
                if not os.path.exists(os.path.join(inbox, "pay.jsonl")): break
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        errors = daemon.stderr.read()
        mail = os.listdir(os.path.join(mount, "mail/new")) if os.path.isdir(os.path.join(mount, "mail/new")) else []
        expected_open = f"{count * 6}.00"
        ok = (alive_while_full and status.get("sent") == count and len(mail) == count and "No space left on device" in errors
              and open_amount == expected_open)
        record("full disk (4 MiB tmpfs)", ok,
               f"daemon up while full: {alive_while_full}; {left_in_inbox} files waited in the inbox; after freeing space: "
               f"{status.get('invoices', {}).get('total')} invoices, {status.get('sent')} sent, {len(mail)} in the Maildir of {count}; "
               f"ENOSPC logged: {'No space left on device' in errors}; payments cut off mid-write counted once "
               f"(open {open_amount}, expected {expected_open}){'; report: ' + report_error if report_error else ''}")
    finally:
        if daemon and daemon.poll() is None: daemon.kill()
        subprocess.run(["umount", mount], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


# 4. Bad inbox files -----------------------------------------------------------
def bad_files():
    bad_count, good_count = (1000, 200) if QUICK else (10000, 2000)
    rng = random.Random(10)
    work = tempfile.mkdtemp(prefix="overdue-fuzz-")
    try:
        config = write_config(work)
        inbox = os.path.join(work, "spool/inbox")
        os.makedirs(inbox)
        ubl = open(os.path.join(ROOT, "Tests/OverdueCoreTests/Fixtures/invoice-ubl.xml"), encoding="utf-8").read()
        csv_header = "invoice,customer.id,customer.name,customer.email,issued,due,currency,amount\n"
        def good(n):
            kind = n % 4
            record_ = invoice(100000 + n, due="2027-06-01")
            if kind == 0: return f"g{n}.json", json.dumps(record_).encode()
            if kind == 1: return f"g{n}.jsonl", (json.dumps(record_) + "\n").encode()
            if kind == 3:  # an EN 16931 UBL invoice with its own number
                return f"g{n}.xml", ubl.replace("<cbc:ID>NW-2027-0001</cbc:ID>", f"<cbc:ID>UBL-{n}</cbc:ID>", 1).encode()
            c = record_["customer"]
            return f"g{n}.csv", (csv_header + f'{record_["invoice"]},{c["id"]},{c["name"]},{c["email"]},2027-02-01,2027-06-01,EUR,10.00\n').encode()
        kinds = ["truncated-json", "nul-json", "truncated-xml", "doctype-xml", "utf16", "latin1", "huge-field",
                 "binary", "csv-bad-amount", "csv-unknown-column", "empty", "json-array-garbage"]
        def bad(n):
            kind = kinds[n % len(kinds)]
            text = json.dumps(invoice(200000 + n))
            if kind == "truncated-json": return "json", text[:rng.randrange(1, len(text) - 1)].encode()
            if kind == "nul-json":
                at = rng.randrange(0, len(text)); return "json", (text[:at] + "\0" + text[at:]).encode()
            if kind == "truncated-xml": return "xml", ubl[:rng.randrange(50, len(ubl) - 20)].encode()
            if kind == "doctype-xml": return "xml", ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + ubl[ubl.index("<Invoice"):]).encode()
            if kind == "utf16": return "json", text.encode("utf-16")
            if kind == "latin1": return "json", json.dumps(invoice(200000 + n), ensure_ascii=False).replace("Debtor", "Débiteur").encode("latin-1")
            if kind == "huge-field":
                record_ = invoice(200000 + n); record_["customer"]["name"] = "x" * rng.randrange(10000, 2000000)
                return "json", json.dumps(record_).encode()
            if kind == "binary": return rng.choice(["json", "csv", "xml", "jsonl"]), b"\xff" + rng.randbytes(rng.randrange(1, 65536))
            if kind == "csv-bad-amount": return "csv", (csv_header + f"B-{n},b{n},B,b@x.example,2027-02-01,2027-03-01,EUR,ten\n").encode()
            if kind == "csv-unknown-column": return "csv", ("invoice,colour\n" + f"B-{n},red\n").encode()
            if kind == "empty": return "json", b""
            return "json", b"[" + text.encode() + b", 17, garbage]"
        names = []
        for n in range(bad_count):
            ext, data = bad(n)
            name = f"bad{n}.{ext}"
            names.append(name)
            with open(os.path.join(inbox, name), "wb") as f: f.write(data)
        for n in range(good_count):
            name, data = good(n)
            with open(os.path.join(inbox, name), "wb") as f: f.write(data)
        start = time.time()
        run = overdue(config, "run", "--once", "--now", "2027-03-02T10:00:00Z", "--log-level", "critical", timeout=1800)
        seconds = time.time() - start
        status = json.loads(overdue(config, "status", "--json").stdout or "{}")
        rejected = os.listdir(os.path.join(work, "spool/rejected"))
        errors = [n for n in rejected if n.endswith(".error")]
        # Every bad file has an .error naming it (spool names are "<digest>-<name>").
        named = sum(1 for name in names if any(e.endswith("-" + name + ".error") for e in errors))
        reasons = all(os.path.getsize(os.path.join(work, "spool/rejected", e)) > 0 for e in errors)
        left = [n for n in os.listdir(inbox) if not n.startswith(".")]
        accepted = status.get("invoices", {}).get("total")
        ok = run.returncode == 0 and named == bad_count and len(errors) == bad_count and accepted == good_count and not left and reasons
        record(f"{bad_count:,} bad + {good_count:,} good inbox files", ok,
               f"exit {run.returncode} in {seconds:.1f} s; {named} of {bad_count} bad files rejected with a reason; "
               f"{accepted} of {good_count} good invoices accepted; {len(left)} left in the inbox")
    finally:
        shutil.rmtree(work, ignore_errors=True)


sections = [fault_matrix, full_disk, bad_files, kill_nine]
only = [a for a in sys.argv[2:] if not a.startswith("--")]
for section in [s for s in sections if not only or s.__name__ in only]:
    try:
        section()
    except Exception as error:  # a harness bug is a failure, not a crash of the table
        record(section.__name__, False, f"harness error: {error!r}")

print("\nReliability summary" + (" (quick)" if QUICK else ""))
width = max(len(r[0]) for r in results)
for name, ok, detail in results:
    print(f"  {name.ljust(width)}  {'ok  ' if ok else 'FAIL'}  {detail}")
sys.exit(0 if all(r[1] for r in results) else 1)
