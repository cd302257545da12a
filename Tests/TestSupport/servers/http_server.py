#!/usr/bin/env python3
"""A real HTTP receiver on 127.0.0.1 for the tests.

Each request is written to OUTDIR as <n>.json: method, path, headers, body
(UTF-8 text), how many requests were in flight when it arrived, and for
webhooks whether the signature verified. Prints
"PORT <port>" once listening; stops when stdin closes.

--status N            answer N (default 200)
--retry-after S       add "Retry-After: S"
--delay S             wait S seconds before answering
--webhook-secret WS   verify Standard Webhooks signatures with the
                      independent `standardwebhooks` package; 401 if invalid
--mode twilio|vonage  behave like that SMS gateway (see below)
--stop-number NUMBER  twilio: answer error 21610 for this To; vonage: status 6
"""
import argparse, json, os, sys, threading, time, urllib.parse, base64
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("outdir")
parser.add_argument("--status", type=int, default=200)
parser.add_argument("--retry-after", default=None)
parser.add_argument("--delay", type=float, default=0)
parser.add_argument("--webhook-secret", default=None)
parser.add_argument("--mode", default="plain")
parser.add_argument("--stop-number", default=None)
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)
lock = threading.Lock()
counter = [0]
in_flight = [0]
verifier = None
if args.webhook_secret:
    from standardwebhooks.webhooks import Webhook
    verifier = Webhook(args.webhook_secret)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, extra=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first: tests of slow answers and timeouts
            # close the connection on purpose. Not an error of the server.
            pass

    def handle_any(self):
        # How many requests are being answered at once (the delayed ones
        # included): a test of concurrency reads it from the records.
        with lock:
            in_flight[0] += 1
            self.in_flight_at_start = in_flight[0]
        try:
            self.answer()
        finally:
            with lock:
                in_flight[0] -= 1

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            counter[0] += 1
            n = counter[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = {"method": self.command, "path": self.path, "headers": headers, "body": body.decode("utf-8", "replace"),
                  "in_flight": self.in_flight_at_start}
        status = args.status
        if verifier is not None:
            try:
                verifier.verify(body, headers)
                record["signature"] = "valid"
            except Exception as error:  # any failure to verify
                record["signature"] = "invalid: %s" % error
                status = 401
        path = os.path.join(args.outdir, "%06d.json" % n)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        if args.delay:
            time.sleep(args.delay)
        extra = [("X-Request-Number", str(n))]
        if args.retry_after:
            extra.append(("Retry-After", args.retry_after))
        if args.mode == "twilio":
            form = urllib.parse.parse_qs(body.decode())
            auth = base64.b64decode(headers.get("authorization", "Basic ").split(" ", 1)[1] or b"").decode()
            if not auth.startswith("AC"):
                return self.reply(401, {"code": 20003, "message": "Authenticate"}, extra)
            if args.status >= 500 or args.status == 429:
                return self.reply(args.status, {"code": 20429, "message": "busy"}, extra)
            if form.get("To", [""])[0] == args.stop_number:
                return self.reply(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"}, extra)
            return self.reply(201, {"sid": "SM%032d" % n, "status": "queued", "to": form.get("To", [""])[0]}, extra)
        if args.mode == "vonage":
            form = urllib.parse.parse_qs(body.decode())
            if args.status >= 500:
                return self.reply(args.status, {}, extra)
            to = form.get("to", [""])[0]
            status_code = "6" if args.stop_number and to == args.stop_number.lstrip("+") else "0"
            message = {"to": to, "status": status_code}
            if status_code == "0":
                message["message-id"] = "V%016d" % n
            else:
                message["error-text"] = "Unroutable message - rejected"
            return self.reply(200, {"message-count": "1", "messages": [message]}, extra)
        self.reply(status, {"received": n}, extra)

    do_POST = do_GET = do_PUT = handle_any


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default backlog of 5 resets bursts of connections


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT %d" % server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
