#!/usr/bin/env python3
"""What the IMAP tests do to the mailbox from outside, with Python's imaplib
over IMAPS (a second, independent IMAP client): append messages, list what
a folder holds.

usage: imap_tool.py PORT CAFILE USER PASSWORD append FOLDER FILE...
       imap_tool.py PORT CAFILE USER PASSWORD list FOLDER
list prints JSON: [{"uid": n, "flags": [...], "message_id": "..."}]"""
import imaplib
import json
import ssl
import sys

port, cafile, user, password, command, folder = sys.argv[1:7]
context = ssl.create_default_context(cafile=cafile)
imap = imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=context, timeout=20)
imap.login(user, password)
if command == "append":
    for path in sys.argv[7:]:
        data = open(path, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        status, detail = imap.append(folder, None, None, data)
        if status != "OK":
            raise SystemExit("append failed: %s" % detail)
elif command == "list":
    status, _ = imap.select(folder, readonly=True)
    out = []
    if status == "OK":
        status, data = imap.uid("SEARCH", None, "ALL")
        for uid in data[0].split():
            status, fetched = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            flags = imaplib.ParseFlags(fetched[0][0]) if fetched and fetched[0] else ()
            header = fetched[0][1].decode("latin-1") if fetched and isinstance(fetched[0], tuple) else ""
            message_id = header.split(":", 1)[1].strip() if ":" in header else ""
            out.append({"uid": int(uid), "flags": [f.decode() for f in flags], "message_id": message_id})
    print(json.dumps(out))
imap.logout()
