#!/usr/bin/env python3
"""README's "Layout" block against the tree: every folder of core/ and
agents/ and every top-level folder is named there, nothing named is missing
from the tree, and core's folders come in the layer order of
docs/ARCHITECTURE.md (bottom up). usage: readme_layout.py SOURCE_DIR"""
import os
import re
import sys

root = sys.argv[1]
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
m = re.search(r"^## Layout\n.*?^```\n(.*?)^```", readme, re.S | re.M)
if not m:
    sys.exit("FAIL: README.md has no Layout section with a block of folders")
block = m.group(1)
arch = open(os.path.join(root, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
layers = re.search(r"```layers\n(.*?)```", arch, re.S).group(1)
rank = {}
for i, line in enumerate(reversed([l for l in layers.splitlines() if l.strip() and not l.startswith("#")])):
    for folder in line.split():
        rank[folder] = i

problems = []
# Core's folders: the indented "  name/" lines under "core/", plus "core/cli/".
named_core = re.findall(r"^  ([a-z_]+)/", block, re.M) + re.findall(r"^core/([a-z_]+)/", block, re.M)
for d in sorted(os.listdir(os.path.join(root, "core"))):
    if os.path.isdir(os.path.join(root, "core", d)) and d not in named_core:
        problems.append(f"core/{d} is not in README's Layout")
for d in named_core:
    if not os.path.isdir(os.path.join(root, "core", d)):
        problems.append(f"README's Layout names core/{d}, which is not in the tree")
order = [rank.get(f"core/{d}", -1) for d in re.findall(r"^  ([a-z_]+)/", block, re.M)]
for d, r in zip(re.findall(r"^  ([a-z_]+)/", block, re.M), order):
    if r < 0:
        problems.append(f"core/{d} is in README's Layout but not in ARCHITECTURE.md's layers")
if order != sorted(order):
    problems.append("README's Layout lists core's folders out of the layer order (bottom up, as ARCHITECTURE.md's layers)")
for d in sorted(os.listdir(os.path.join(root, "agents"))):
    if os.path.isdir(os.path.join(root, "agents", d)) and not re.search(rf"\b{d}\b", block):
        problems.append(f"agents/{d} is not in README's Layout")
for d in sorted(os.listdir(root)):
    if os.path.isdir(os.path.join(root, d)) and not d.startswith(".") and d != "build" and not re.search(rf"^{d}/", block, re.M):
        problems.append(f"the top-level folder {d}/ is not in README's Layout")
if problems:
    sys.exit("FAIL:\n" + "\n".join(problems))
print(f"ok: README's Layout names all {len(named_core)} folders of core/, the agents and the top-level folders, in layer order")
