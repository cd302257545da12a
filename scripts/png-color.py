#!/usr/bin/env python3
"""Counts the pixels of one colour in a PNG: `png-color.py FILE RRGGBB`.

Prints `pixels N bands M width W height H`: N pixels within 8 of the colour
in each channel, in M separate bands of rows (two buttons one above the
other are two bands). The HTML-letter test uses it on a headless Chromium
screenshot to see that each pay button is drawn. A PNG decoder in a few
lines (zlib and the five row filters), so the test needs no image library.
"""
import struct, sys, zlib


def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG')
    pos, idat = 8, b''
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, color, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        sys.exit(f'{path}: only 8-bit RGB/RGBA, non-interlaced PNGs are read (depth {depth}, colour type {color})')
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    path, hexcolor = sys.argv[1], sys.argv[2].lstrip('#')
    want = [int(hexcolor[i:i + 2], 16) for i in (0, 2, 4)]
    width, height, channels, rows = decode(path)
    pixels, bands, inside = 0, 0, False
    for line in rows:
        hits = sum(1 for x in range(0, width * channels, channels)
                   if all(abs(line[x + c] - want[c]) <= 8 for c in range(3)))
        pixels += hits
        if hits and not inside: bands += 1
        inside = hits > 0
    print(f'pixels {pixels} bands {bands} width {width} height {height}')


main()
