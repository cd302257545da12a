#!/usr/bin/env python3
"""A real HTTP receiver on 127.0.0.1 for the tests.

Each request is written to OUTDIR as <n>.json: method, path, headers, body
(UTF-8 text). Answers STATUS (default 200) with a small JSON body. Prints
"PORT <port>" once listening; stops when stdin closes.
"""
import argparse, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("outdir")
parser.add_argument("--status", type=int, default=200)
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)
lock = threading.Lock()
counter = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            counter[0] += 1
            n = counter[0]
        record = {"method": self.command, "path": self.path,
                  "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": body.decode("utf-8", "replace")}
        path = os.path.join(args.outdir, "%06d.json" % n)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        reply = json.dumps({"received": n}).encode()
        self.send_response(args.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.send_header("X-Request-Number", str(n))
        self.end_headers()
        self.wfile.write(reply)

    do_POST = do_GET = do_PUT = handle_any


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default backlog of 5 resets bursts of connections


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT %d" % server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
