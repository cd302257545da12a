#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd).

Every accepted message is written to OUTDIR as <n>.eml with the envelope in
<n>.json. Prints "PORT <port>" once listening. Stops when stdin closes, so a
test that dies cannot leave it running.

--reject-rcpt SUBSTRING  answer 550 5.1.1 to RCPT TO containing SUBSTRING
--defer-rcpt SUBSTRING   answer 451 4.3.0 to RCPT TO containing SUBSTRING
--refuse-while FILE      while FILE exists, answer 550 5.7.1 to DATA (a
                         relay refusing a letter for its content)
--tls                    offer and require STARTTLS, with a certificate for
                         127.0.0.1 made now (OUTDIR/cert.pem is its CA file)
--auth USER:PASSWORD     require AUTH (PLAIN or LOGIN) with these
"""
import argparse, json, logging, os, socket, ssl, subprocess, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("outdir")
parser.add_argument("--reject-rcpt", default=None)
parser.add_argument("--defer-rcpt", default=None)
parser.add_argument("--refuse-while", default=None)
parser.add_argument("--tls", action="store_true")
parser.add_argument("--auth", default=None)
args = parser.parse_args()
# aiosmtpd logs every session it drops with a traceback, e.g. the STARTTLS
# test that presents an unknown CA on purpose; the tests read outcomes from
# the client side, so these would only be noise in a passing run.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)
os.makedirs(args.outdir, exist_ok=True)
lock = threading.Lock()
counter = [0]


sessions = [0]


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Counts SMTP sessions (OUTDIR/sessions), to prove connection reuse.
        with lock:
            sessions[0] += 1
            with open(os.path.join(args.outdir, "sessions"), "w") as f:
                f.write(str(sessions[0]))
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject_rcpt and args.reject_rcpt in address:
            return "550 5.1.1 No such user here"
        if args.defer_rcpt and args.defer_rcpt in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.refuse_while and os.path.exists(args.refuse_while):
            return "550 5.7.1 Message content rejected"
        with lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(args.outdir, "%06d" % n)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "auth": session.authenticated}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK: queued as Q%06d" % n


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # One line per AUTH, so a test can count what a wrong password costs the relay.
    with lock:
        with open(os.path.join(args.outdir, "auth-attempts.log"), "a") as f:
            f.write("%s\n" % ("ok" if ok else "failed"))
    # handled=False: aiosmtpd then answers 535 itself instead of staying silent.
    return AuthResult(success=ok, handled=False)


kwargs = {"decode_data": False}
if args.tls:
    cert = os.path.join(args.outdir, "cert.pem")
    key = os.path.join(args.outdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    kwargs.update(tls_context=context, require_starttls=True)
if args.auth:
    kwargs.update(authenticator=authenticator, auth_require_tls=args.tls, auth_required=True)

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("PORT %d" % port, flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
