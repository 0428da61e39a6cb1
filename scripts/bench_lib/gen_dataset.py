#!/usr/bin/python3
"""Deterministic benchmark dataset for scripts/bench (stdlib only).

Writes DEST/small/<a>/<b>/<c>/fNNNNNN.{txt,bin}  (SMALL_FILES files, 0..MAX_KIB KiB,
about half text-like and compressible, half random) and DEST/big.bin
(BIG_MB MiB, 1 MiB regions that are random, text-like or low-entropy).
The same arguments always give byte-identical files with identical mtimes.

usage: gen_dataset.py DEST SMALL_FILES BIG_MB [--seed N] [--max-kib K]
"""

import argparse
import os
import random
import sys

GENERATOR_VERSION = 1          # bump when the output for given arguments changes
MTIME_BASE = 1_600_000_000     # 2020-09-13, fixed so the tree is reproducible
MIB = 1 << 20


def make_vocabulary(rng, n=4000):
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [12, 9, 8, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 1.5, 1, 0.8, 0.2, 0.2, 0.1, 0.1]
    words = set()
    while len(words) < n:
        k = rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 11))
        words.add("".join(rng.choices(letters, weights, k=k)))
    words = sorted(words)
    rng.shuffle(words)
    # A Zipf-like weighting makes the text compress like real prose or code.
    wweights = [1.0 / (i + 1) for i in range(len(words))]
    return words, wweights


class TextSource:
    def __init__(self, rng):
        self.rng = rng
        words, weights = make_vocabulary(rng)
        punct = [" ", " ", " ", " ", " ", " ", " ", ", ", ". ", "\n", "\n\t", "(", ") ", " = ", "; "]
        self.tokens = words + punct
        # punctuation and line breaks make up about 15% of the tokens
        self.weights = weights + [sum(weights) * 0.18 / len(punct)] * len(punct)
        # cumulative weights once, so choices() does not recompute them
        acc, cum = 0.0, []
        for w in self.weights:
            acc += w
            cum.append(acc)
        self.cum = cum

    def text(self, nbytes):
        if nbytes <= 0:
            return b""
        # tokens average about 5 bytes; draw a little more than needed
        out = bytearray()
        while len(out) < nbytes:
            k = (nbytes - len(out)) // 4 + 8
            toks = self.rng.choices(self.tokens, cum_weights=self.cum, k=k)
            out += " ".join(toks).encode("ascii")
        return bytes(out[:nbytes])


def tree_shape(n_files):
    """Three directory levels with a fanout giving about 30 files per leaf."""
    leaves = max(1, round(n_files / 30))
    fanout = max(1, round(leaves ** (1.0 / 3.0)))
    return fanout


def gen_small(dest, n_files, max_bytes, seed):
    rng = random.Random(f"gridbackup-bench-small-{seed}")
    text = TextSource(random.Random(f"gridbackup-bench-vocab-{seed}"))
    fan = tree_shape(n_files)
    leaves = [(a, b, c) for a in range(fan) for b in range(fan) for c in range(fan)]
    root = os.path.join(dest, "small")
    total = 0
    dirs = set()
    for i in range(n_files):
        a, b, c = leaves[i % len(leaves)]
        d = os.path.join(root, f"d{a:02d}", f"e{b:02d}", f"f{c:02d}")
        if d not in dirs:
            os.makedirs(d, exist_ok=True)
            dirs.add(d)
        size = rng.randint(0, max_bytes)
        if rng.random() < 0.5:
            name, data = f"f{i:06d}.txt", text.text(size)
        else:
            name, data = f"f{i:06d}.bin", rng.randbytes(size)
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (MTIME_BASE + i, MTIME_BASE + i))
        total += size
    # directory mtimes last (writing files changes them), deepest first
    for d in sorted(dirs | {os.path.dirname(x) for x in dirs} |
                    {os.path.dirname(os.path.dirname(x)) for x in dirs} | {root},
                    key=lambda s: -s.count(os.sep)):
        os.utime(d, (MTIME_BASE, MTIME_BASE))
    return total


def gen_big(dest, big_mb, seed):
    """1 MiB regions: ~50% random, ~35% text-like, ~15% low-entropy (zero runs
    with sparse noise). Runs of the same kind are 1-8 MiB long."""
    rng = random.Random(f"gridbackup-bench-big-{seed}")
    text = TextSource(random.Random(f"gridbackup-bench-vocab-big-{seed}"))
    p = os.path.join(dest, "big.bin")
    kinds = {"random": 0, "text": 0, "low": 0}
    with open(p, "wb") as f:
        left = big_mb
        while left > 0:
            r = rng.random()
            kind = "random" if r < 0.5 else ("text" if r < 0.85 else "low")
            run = min(left, rng.randint(1, 8))
            for _ in range(run):
                if kind == "random":
                    f.write(rng.randbytes(MIB))
                elif kind == "text":
                    f.write(text.text(MIB))
                else:
                    buf = bytearray(MIB)
                    for _ in range(64):
                        off = rng.randrange(0, MIB - 256)
                        buf[off:off + 256] = rng.randbytes(256)
                    f.write(buf)
            kinds[kind] += run
            left -= run
    os.utime(p, (MTIME_BASE, MTIME_BASE))
    return kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest")
    ap.add_argument("small_files", type=int)
    ap.add_argument("big_mb", type=int)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-kib", type=int, default=16)
    ap.add_argument("--version", action="store_true", help="print the generator version and exit")
    if "--version" in sys.argv[1:]:
        print(GENERATOR_VERSION)
        return 0
    args = ap.parse_args()
    os.makedirs(args.dest, exist_ok=True)
    small_bytes = gen_small(args.dest, args.small_files, args.max_kib * 1024, args.seed)
    kinds = gen_big(args.dest, args.big_mb, args.seed) if args.big_mb > 0 else {}
    os.utime(args.dest, (MTIME_BASE, MTIME_BASE))
    print(f"small files: {args.small_files} ({small_bytes} bytes); big.bin: {args.big_mb} MiB "
          f"(MiB random/text/low-entropy: {kinds.get('random', 0)}/{kinds.get('text', 0)}/{kinds.get('low', 0)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
