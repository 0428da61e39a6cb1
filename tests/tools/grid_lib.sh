# Helpers for the grid CLI tests (sourced after cli_lib.sh): a 3-of-5 grid of
# file members m0..m4 under $M, and checks that look at the shares themselves.
M=$W/members
mkdir -p "$M"
# member_url I: the URL of member I (tests may override for remote members).
member_url() { echo "$M/m$1"; }
grid_url() {
  local u="grid:k=3" i
  for i in 0 1 2 3 4; do u+="|m$i=$(member_url "$i")"; done
  echo "$u"
}
# grid_source COUNT [BIG_BYTES]: $SRC holds COUNT random files f1..fCOUNT of
# up to 128 KiB and, given BIG_BYTES, a random big.bin of that size.
grid_source() {
  SRC=$W/src
  mkdir -p "$SRC"
  local i
  for i in $(seq 1 "$1"); do head -c $((RANDOM * 4)) /dev/urandom > "$SRC/f$i"; done
  [ -z "${2:-}" ] || head -c "$2" /dev/urandom > "$SRC/big.bin"
}
init_grid() { "$GB" init --repo "$(grid_url)" --cap-file "$CAP" --quiet > "$W/cap.txt"; }
# A member that is "down": its directory replaced by a plain file, so every
# operation on it fails (chmod would not stop root).
take_down() { mv "$M/m$1" "$M/m$1.away"; echo down > "$M/m$1"; }
bring_back() { rm -f "$M/m$1"; mv "$M/m$1.away" "$M/m$1"; }
# shares_py spread N | corrupt COUNT SEED | count: looks at the share files
# of the file members ("OBJECT/s<index>.<length>", docs/FORMAT.md).
shares_py() {
  /usr/bin/python3 - "$M" "$@" <<'PY'
import os, re, sys, random
root, mode = sys.argv[1], sys.argv[2]
share = re.compile(r'^s(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$')
objects = {}
files = []
for member in sorted(os.listdir(root)):
    base = os.path.join(root, member)
    if not os.path.isdir(base) or member.endswith('.away'):
        continue
    for dirpath, dirs, names in os.walk(base):
        rel = os.path.relpath(dirpath, base)
        if rel == '.' and 'tmp' in dirs: dirs.remove('tmp')
        if rel == '.' and '_grid' in dirs: dirs.remove('_grid')
        for n in names:
            m = share.match(n)
            if m:
                objects.setdefault(rel, []).append((int(m.group(1)), member))
                files.append((rel, os.path.join(dirpath, n)))
if mode == 'spread':
    # Every object: shares 0..n-1, each on its own member.
    n = int(sys.argv[3])
    bad = []
    for obj, held in sorted(objects.items()):
        idx = sorted(i for i, _ in held)
        mem = sorted(m for _, m in held)
        if idx != list(range(n)) or len(set(mem)) != n:
            bad.append(f'{obj}: {sorted(held)}')
    print(f'{len(objects)} objects')
    if bad:
        print('\n'.join(bad)); sys.exit(1)
elif mode == 'corrupt':
    # Flip one byte in the data of COUNT random shares of every object (the
    # same segment of different shares can be hit: up to n-k of them is fine).
    count, seed = int(sys.argv[3]), int(sys.argv[4])
    rnd = random.Random(seed)
    by_object = {}
    for obj, f in files:
        by_object.setdefault(obj, []).append(f)
    hit = 0
    for obj, fs in sorted(by_object.items()):
        for f in rnd.sample(fs, min(count, len(fs))):
            size = os.path.getsize(f)
            if size <= 64: continue
            off = rnd.randrange(64, size)
            with open(f, 'r+b') as fh:
                fh.seek(off); b = fh.read(1); fh.seek(off); fh.write(bytes([b[0] ^ 0xff]))
            hit += 1
    print(f'{hit} shares damaged')
elif mode == 'count':
    print(len(objects))
PY
}
check_spread() { shares_py spread 5 > "$W/spread.txt" || { cat "$W/spread.txt"; fail "$1: some object lacks n=5 shares on 5 members"; }; }
