#!/usr/bin/env python3
"""A deterministic tree of many small files for the agent benchmark
(scripts/bench-agent): N files of 0-256 bytes in directories of 1000 files,
two levels deep (dNNN/eNN/fNNNN). `--edit K` instead changes K files spread
evenly over an existing tree (appends a line), the benchmark's change."""
import argparse
import os
import random

VERSION = "1"


def path_of(root, i):
    return os.path.join(root, f"d{i // 100000:03d}", f"e{(i // 1000) % 100:02d}", f"f{i:07d}")


def build(root, n, seed):
    rnd = random.Random(seed)
    for i in range(n):
        p = path_of(root, i)
        if i % 1000 == 0:
            os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(rnd.randbytes(rnd.randint(0, 256)))


def edit(root, n, k, round_):
    step = max(1, n // k)
    for j in range(k):
        with open(path_of(root, (j * step + round_) % n), "ab") as f:
            f.write(f"edit {round_} {j}\n".encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?")
    ap.add_argument("n", type=int, nargs="?")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--edit", type=int, default=0, help="change this many files of an existing tree")
    ap.add_argument("--round", type=int, default=0)
    ap.add_argument("--version", action="store_true")
    a = ap.parse_args()
    if a.version:
        print(VERSION)
    elif a.edit:
        edit(a.root, a.n, a.edit, a.round)
    else:
        build(a.root, a.n, a.seed)


if __name__ == "__main__":
    main()
