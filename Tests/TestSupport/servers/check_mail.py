#!/usr/bin/env python3
"""Checks sent messages with an independent parser (Python's email package,
policy.strict). Prints one JSON object per file: its headers, its parts'
content types and texts, and any defect or rule broken (bare LF, lines over
998 octets)."""
import email, hashlib, json, sys
from email import policy

for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    problems = []
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("bare LF")
    if any(len(line) > 998 for line in raw.split(b"\r\n")):
        problems.append("line over 998 octets")
    try:
        message = email.message_from_bytes(raw, policy=policy.strict)
    except Exception as error:
        print(json.dumps({"file": path, "problems": problems + ["parse: %s" % error]}))
        continue
    parts = []
    for part in message.walk():
        if part.is_multipart():
            if part.get_content_type() == "message/rfc822":  # a forwarded message: its parts follow
                parts.append({"type": "message/rfc822", "disposition": part.get_content_disposition()})
            continue
        if part.get_content_maintype() == "text":
            parts.append({"type": part.get_content_type(), "text": part.get_content()})
        else:
            data = part.get_payload(decode=True) or b""
            parts.append({"type": part.get_content_type(), "filename": part.get_filename(),
                          "disposition": part.get_content_disposition(),
                          "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    print(json.dumps({
        "file": path,
        "headers": {name: str(value) for name, value in message.items()},
        "header_names": [name for name, _ in message.items()],
        "content_type": message.get_content_type(),
        "parts": parts,
        "defects": [str(d) for d in message.defects],
        "problems": problems,
    }))
