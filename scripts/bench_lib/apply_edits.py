#!/usr/bin/python3
"""Deterministic edits of a copy of the benchmark dataset (scripts/bench `edits`).

usage: apply_edits.py TREE [--seed N] [--big-writes N] [--write-bytes N]
                           [--small-edits N] [--plan-only]

TREE is a private copy of a dataset made by gen_dataset.py (TREE/big.bin and
TREE/small/...). Never point it at the shared dataset.

  * --big-writes (default 100) overwrites of --write-bytes (default 4096)
    random bytes at random, unaligned offsets inside TREE/big.bin
    (open r+b, seek, write: the size does not change);
  * --small-edits (default 1000) distinct files below TREE/small, chosen from
    the sorted list of paths: a file of at least 512 bytes has, with
    probability 1/2, 256 bytes rewritten in place at a random offset;
    every other file gets 100 bytes appended. Text files (.txt) get
    lower-case letters, the others random bytes.

The plan (files, offsets and data) depends only on the seed, the sorted list
of small files with their sizes, and the size of big.bin, so every copy of
the same dataset receives byte-identical edits. Written files get the
current time as mtime, as a real edit would; nothing else is touched
(no file is created, so directory mtimes stay as they were).

Prints one line: counts, bytes written and a SHA-256 of the plan, so runs can
be compared. Exit status 0, 1 on error.
"""

import argparse
import hashlib
import os
import random
import string
import sys

SMALL_MIN_INPLACE = 512
INPLACE_BYTES = 256
APPEND_BYTES = 100


def small_files(tree):
    root = os.path.join(tree, "small")
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            p = os.path.join(d, name)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(os.path.relpath(p, tree))
    out.sort()
    return out


def payload(rng, n, text):
    if text:
        return "".join(rng.choices(string.ascii_lowercase + " \n", k=n)).encode("ascii")
    return rng.randbytes(n)


def plan(tree, seed, big_writes, write_bytes, small_edits):
    """[(relpath, offset or None for append, data)] in application order."""
    rng = random.Random(f"gridbackup-bench-edits-{seed}")
    steps = []
    big = os.path.join(tree, "big.bin")
    if big_writes:
        if not os.path.isfile(big):
            raise SystemExit(f"apply_edits: {big} does not exist")
        size = os.path.getsize(big)
        if size < write_bytes:
            raise SystemExit(f"apply_edits: {big} is smaller than {write_bytes} bytes")
        for _ in range(big_writes):
            off = rng.randrange(0, size - write_bytes + 1)
            steps.append(("big.bin", off, rng.randbytes(write_bytes)))
    files = small_files(tree)
    if small_edits > len(files):
        raise SystemExit(f"apply_edits: {small_edits} small-file edits asked, only {len(files)} files")
    for rel in rng.sample(files, small_edits):
        size = os.path.getsize(os.path.join(tree, rel))
        text = rel.endswith(".txt")
        if size >= SMALL_MIN_INPLACE and rng.random() < 0.5:
            off = rng.randrange(0, size - INPLACE_BYTES + 1)
            steps.append((rel, off, payload(rng, INPLACE_BYTES, text)))
        else:
            steps.append((rel, None, payload(rng, APPEND_BYTES, text)))
    return steps


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--big-writes", type=int, default=100)
    ap.add_argument("--write-bytes", type=int, default=4096)
    ap.add_argument("--small-edits", type=int, default=1000)
    ap.add_argument("--plan-only", action="store_true", help="print the summary, change nothing")
    args = ap.parse_args()
    if min(args.big_writes, args.write_bytes, args.small_edits) < 0:
        ap.error("counts must not be negative")

    steps = plan(args.tree, args.seed, args.big_writes, args.write_bytes, args.small_edits)
    h = hashlib.sha256()
    n_inplace = n_append = n_big = 0
    written = 0
    for rel, off, data in steps:
        h.update(f"{rel}\0{'append' if off is None else off}\0{len(data)}\0".encode())
        h.update(data)
        written += len(data)
        if rel == "big.bin":
            n_big += 1
        elif off is None:
            n_append += 1
        else:
            n_inplace += 1
        if args.plan_only:
            continue
        p = os.path.join(args.tree, rel)
        if off is None:
            with open(p, "ab") as f:
                f.write(data)
        else:
            with open(p, "r+b") as f:
                f.seek(off)
                f.write(data)
    print(f"big.bin overwrites: {n_big} x {args.write_bytes} B; small files: {n_inplace} rewritten in place "
          f"({INPLACE_BYTES} B), {n_append} appended ({APPEND_BYTES} B); {written} bytes written; "
          f"plan sha256 {h.hexdigest()[:16]}{' (plan only)' if args.plan_only else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
