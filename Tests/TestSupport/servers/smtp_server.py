#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd).

Every accepted message is written to OUTDIR as <n>.eml with the envelope in
<n>.json. Prints "PORT <port>" once listening. Stops when stdin closes, so a
test that dies cannot leave it running.

--reject-rcpt SUBSTRING  answer 550 to RCPT TO containing SUBSTRING
--defer-rcpt SUBSTRING   answer 451 to RCPT TO containing SUBSTRING
"""
import argparse, json, os, socket, sys, threading
from aiosmtpd.controller import Controller

parser = argparse.ArgumentParser()
parser.add_argument("outdir")
parser.add_argument("--reject-rcpt", default=None)
parser.add_argument("--defer-rcpt", default=None)
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)
lock = threading.Lock()
counter = [0]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject_rcpt and args.reject_rcpt in address:
            return "550 5.1.1 No such user here"
        if args.defer_rcpt and args.defer_rcpt in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(args.outdir, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted for delivery"


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, decode_data=False)
controller.start()
print("PORT %d" % port, flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
