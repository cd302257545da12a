#!/usr/bin/env python3
"""Writes small PDFs for the tests: a Factur-X-style hybrid (PDF with an
embedded XML file, listed in /Names /EmbeddedFiles and /AF), a plain PDF
with no attachment, an "encrypted" one (an /Encrypt dictionary whose
password checks fail), a FlateDecode bomb (the embedded file inflates to
1 GiB), the same bomb compressed twice (/Filter [/FlateDecode /FlateDecode],
a few KB), a hybrid whose XML is compressed twice, and a name tree whose
kids point back at themselves.

usage: make_pdf.py KIND OUT [XML] [EMBEDDED-NAME] [xml-type]
KIND: hybrid | plain | encrypted | bomb | chained-bomb | chained | objstm-bomb | objstm-bomb-untyped | loop
xml-type: mark the embedded file text/xml whatever its name
Written from the PDF 1.7 reference by hand (no PDF library in the test
venv); only the objects a reader of attachments needs."""
import os
import sys
import zlib


def build(objects, trailer_extra=b""):
    """objects: list of bytes bodies for objects 1..n. Returns the file."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def page_objects(first):
    """A one-page document's page tree, numbered from `first`."""
    content = b"BT /F1 12 Tf 72 720 Td (Invoice) Tj ET"
    return [
        b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (first + 1),
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (first, first + 2),
        stream(content),
    ]


def hybrid(xml, name, compressed_data=None, names_tree=None, pad=0, filters=b"/FlateDecode", xml_type=False):
    """pad: bytes of an unreferenced stream (as fonts and images make a real
    invoice PDF ~150 KB), for benchmarks."""
    data = compressed_data if compressed_data is not None else zlib.compress(xml)
    # 1 catalog, 2-4 pages, 5 filespec, 6 embedded stream, 7 names tree
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 7 0 R >> /AF [5 0 R] >>"
    spec = b"<< /Type /Filespec /F (%s) /UF (%s) /AFRelationship /Data /EF << /F 6 0 R /UF 6 0 R >> >>" % (name, name)
    subtype = b"/text#2Fxml" if name.endswith(b".xml") or xml_type else b"/application#2Foctet-stream"
    embedded = stream(data, b"/Type /EmbeddedFile /Subtype %s /Filter %s " % (subtype, filters))
    tree = names_tree or b"<< /Names [(%s) 5 0 R] >>" % name
    extra = [stream(os.urandom(pad), b"/Filter /FlateDecode ")] if pad else []
    return build([catalog] + page_objects(2) + [spec, embedded, tree] + extra)


def object_stream_bomb(stream_type=b"/Type /ObjStm "):
    """PDF 1.5 with its catalog inside an object stream that, compressed
    twice, inflates to 1 GiB: qpdf decodes an object stream whole (and
    without a limit) as soon as any object in it is read, here at open."""
    catalog = b"<< /Type /Catalog /Pages 3 0 R >>"
    header = b"1 0 "
    packer = zlib.compressobj(9)
    pad = b" " * (1 << 20)
    once = packer.compress(header + catalog) + b"".join(packer.compress(pad) for _ in range(1024)) + packer.flush()
    data = zlib.compress(once, 9)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[2] = len(out)
    out += b"2 0 obj\n" + stream(data, stream_type + b"/N 1 /First %d /Fil#74er [/FlateDecode /FlateDecode] " % len(header)) + b"\nendobj\n"
    offsets[3] = len(out)
    out += b"3 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    offsets[4] = len(out)
    rows = b"\x00" + b"\x00" * 4 + b"\xff\xff"  # 0: free
    rows += b"\x02" + (2).to_bytes(4, "big") + (0).to_bytes(2, "big")  # 1: in object stream 2, index 0
    for number in (2, 3, 4):
        rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
    out += b"4 0 obj\n" + stream(rows, b"/Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R ") + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[4]
    return bytes(out)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    xml = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"<x/>"
    name = sys.argv[4].encode() if len(sys.argv) > 4 else b"factur-x.xml"
    xml_type = len(sys.argv) > 5 and sys.argv[5] == "xml-type"
    twice = b"[/FlateDecode /FlateDecode]"
    if kind == "hybrid":
        pdf = hybrid(xml, name, xml_type=xml_type)
    elif kind == "chained":
        pdf = hybrid(xml, name, compressed_data=zlib.compress(zlib.compress(xml)), filters=twice)
    elif kind == "plain":
        pdf = build([b"<< /Type /Catalog /Pages 2 0 R >>"] + page_objects(2))
    elif kind == "encrypted":
        # Standard security handler, RC4 40-bit, with O and U values that
        # match no password: a reader must ask for one.
        pdf = build([b"<< /Type /Catalog /Pages 2 0 R >>"] + page_objects(2)
                    + [b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (b"11" * 32, b"22" * 32)],
                    trailer_extra=b"/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
    elif kind == "bomb":
        packer = zlib.compressobj(9)
        chunk = b"<" * (1 << 20)
        data = b"".join(packer.compress(chunk) for _ in range(1024)) + packer.flush()
        pdf = hybrid(b"", name, compressed_data=data)
    elif kind == "chained-bomb":
        # 1 GiB compressed once is ~1 MB, compressed again a few KB: a reader
        # that decodes the chain whole holds the gigabyte (or two) before
        # it can look at the size.
        packer = zlib.compressobj(9)
        chunk = b"<" * (1 << 20)
        once = b"".join(packer.compress(chunk) for _ in range(1024)) + packer.flush()
        pdf = hybrid(b"", name, compressed_data=zlib.compress(once, 9), filters=twice)
    elif kind == "objstm-bomb":
        pdf = object_stream_bomb()
    elif kind == "objstm-bomb-untyped":
        # qpdf takes a stream as an object stream because the xref points into it, whatever its /Type.
        pdf = object_stream_bomb(stream_type=b"")
    elif kind == "loop":
        # The names tree's only kid is the tree itself.
        pdf = hybrid(xml, name, names_tree=b"<< /Kids [7 0 R] >>")
    else:
        raise SystemExit("unknown kind " + kind)
    with open(out, "wb") as handle:
        handle.write(pdf)


if __name__ == "__main__":
    main()
