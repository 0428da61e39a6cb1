#!/usr/bin/env python3
"""Includes point down the layers: a source under core/ or agents/ includes
only its own folder and folders on lower layers. The order is read from the
```layers block of docs/ARCHITECTURE.md (top layer first), so the document and
this check cannot drift apart. No exceptions are listed, and none may be: an
include that points up (or sideways, to another folder of its own layer) is
fixed by moving code down or by a callback, never by a list here.

Usage: includes.py SOURCE_ROOT. Exit 0: every include points down; 1: each
include that does not is named (file:line, the include, both layers)."""
import os
import re
import sys

ROOTS = ("core", "agents")  # the folders whose sources are layered (tests sit above all)
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:core|agents)/[^"]+)"')


def read_layers(doc):
    """[(layer number, [folders])], numbered from the bottom (0)."""
    text = open(doc, encoding="utf-8").read()
    block = re.search(r"^```layers\n(.*?)^```", text, re.S | re.M)
    if not block:
        sys.exit(f"FAIL: {doc} has no ```layers block (the layer order this check reads)")
    lines = [l.split("#", 1)[0].split() for l in block.group(1).splitlines()]
    lines = [l for l in lines if l]
    return {folder: len(lines) - 1 - i for i, folders in enumerate(lines) for folder in folders}


def folder_of(path):
    """core/grid/grid_backend.h -> core/grid (a sub-folder belongs to its concept)."""
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    doc = os.path.join(root, "docs", "ARCHITECTURE.md")
    layer = read_layers(doc)
    problems, checked, files = [], 0, 0
    sources = []
    for top in ROOTS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if n.endswith((".h", ".cpp")):
                    sources.append(os.path.relpath(os.path.join(dirpath, n), root))
    present = {folder_of(s) for s in sources}
    for folder in sorted(present - set(layer)):
        problems.append(f"{folder} holds sources but is on no layer of docs/ARCHITECTURE.md: add it to the ```layers block")
    for folder in sorted(set(layer) - present):
        problems.append(f"docs/ARCHITECTURE.md lists {folder}, which holds no sources: take it out of the ```layers block")
    for src in sorted(sources):
        files += 1
        mine = folder_of(src)
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                checked += 1
                target = folder_of(m.group(1))
                if target == mine or mine not in layer or target not in layer:
                    continue  # an unlisted folder is reported above
                if layer[target] >= layer[mine]:
                    how = "up" if layer[target] > layer[mine] else "sideways"
                    problems.append(f'{src}:{number}: includes "{m.group(1)}", {how}: {mine} (layer {layer[mine]}) '
                                    f"may only include folders below it, and {target} is on layer {layer[target]}")
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    print(f"{checked} includes in {files} sources under {', '.join(ROOTS)} checked against {len(set(layer.values()))} layers "
          f"of docs/ARCHITECTURE.md: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
