#!/usr/bin/env python3
# qr_text_to_pbm.py SHEET OUT.pbm: the QR code a recovery sheet draws in
# UTF-8 half blocks (core/cli/qr_text.h: ▀ top, ▄ bottom, █ both modules
# dark) as a plain PBM image, 4 pixels per module, so a real decoder
# (zbarimg) can read it back (cli.cap_split).
import sys

rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if any(c in line for c in "█▀▄"):
        rows.append([c in "█▀" for c in line])
        rows.append([c in "█▄" for c in line])
if not rows:
    sys.exit(f"{sys.argv[1]}: no QR code drawn in half blocks")
width = max(len(r) for r in rows)
quiet = 4  # the sheet's own quiet zone rows are blank lines: add one back
rows = [[False] * width] * quiet + [r + [False] * (width - len(r)) for r in rows] + [[False] * width] * quiet
scale = 4
with open(sys.argv[2], "w") as out:
    out.write(f"P1\n{(width + 2 * quiet) * scale} {len(rows) * scale}\n")
    for r in rows:
        pixels = " ".join("1" if dark else "0" for dark in [False] * quiet + r + [False] * quiet for _ in range(scale))
        for _ in range(scale):
            out.write(pixels + "\n")
