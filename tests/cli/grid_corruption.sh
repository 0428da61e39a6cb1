# Damaged shares on a 3-of-5 grid of file members: random bytes flipped in two
# shares of every object, a truncated share and a share swapped for another
# object's are all detected and skipped (restore is byte-exact), verify names
# them, repair rewrites them; three damaged blocks in one segment make the
# object unreadable with a clear sentence, never wrong data.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
grid_source 60 30000000
init_grid
gb backup "$SRC" --quiet
check_spread "after the backup"

for seed in 1 2 3; do
  shares_py corrupt 2 "$seed" > "$W/hit.txt"
  gb restore latest --target "$W/r$seed" --quiet || fail "restore with two damaged shares per object failed (seed $seed)"
  compare "$SRC" "$W/r$seed$SRC" > /dev/null || fail "restore with two damaged shares per object differs (seed $seed)"
  rc=0; gb grid verify > "$W/v.txt" 2>&1 || rc=$?
  [ "$rc" -eq 3 ] || { cat "$W/v.txt"; fail "verify of damaged shares: exit $rc, expected 3"; }
  grep -q 'damaged (' "$W/v.txt" || fail "verify does not name the damaged shares"
  gb repair > "$W/repair.txt" || { cat "$W/repair.txt"; fail "repair of damaged shares failed"; }
  gb grid verify > "$W/v.txt" || { cat "$W/v.txt"; fail "verify after repair (seed $seed) failed"; }
  check_spread "after repair (seed $seed)"
  rm -rf "$W/r$seed"
  pass "seed $seed: $(cat "$W/hit.txt"), restore byte-exact, repair rewrote them"
done

# A truncated share and a share replaced by another object's share of the same index.
mapfile -t packs < <(cd "$M/m0" && find data -name 's*.*' -type f | sort)
[ "${#packs[@]}" -ge 2 ] || fail "expected at least two packs on m0"
truncate -s -100 "$M/m0/${packs[0]}"
cp "$M/m0/${packs[1]}" "$M/m0/${packs[0]}.tmp" && mv "$M/m0/${packs[0]}.tmp" "$M/m0/${packs[0]}"
gb restore latest --target "$W/rt" --quiet
compare "$SRC" "$W/rt$SRC" > /dev/null || fail "restore with a swapped share differs"
rc=0; gb grid verify > "$W/v.txt" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$W/v.txt"; fail "verify of a swapped share: exit $rc"; }
gb repair --quiet > /dev/null
gb grid verify > /dev/null || fail "repair did not fix a swapped share"
pass "a swapped share is detected and rewritten"

# Three shares of config damaged in the same block: unreadable, exit 12.
mapfile -t cfg < <(cd "$M" && ls m*/config/s*)
[ "${#cfg[@]}" -eq 5 ] || fail "expected 5 shares of config"
flip_last() { /usr/bin/python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(-1, 2); b = f.read(1); f.seek(-1, 2); f.write(bytes([b[0] ^ 1]))' "$1"; }
for f in "${cfg[@]:0:3}"; do flip_last "$M/$f"; done
expect_fail 12 'config cannot be rebuilt: 2 intact shares found of the 3 needed, 3 more with damaged blocks' gb snapshots
rc=0; gb repair > "$W/repair.txt" 2>&1 || rc=$?
[ "$rc" -eq 12 ] || { cat "$W/repair.txt"; fail "repair of an unreadable object: exit $rc, expected 12"; }
grep -q 'config: UNREADABLE' "$W/repair.txt" || fail "repair does not name the unreadable object"
for f in "${cfg[@]:0:1}"; do flip_last "$M/$f"; done   # one good again: 3 of 5
gb repair --quiet > /dev/null || fail "repair once three shares are good again failed"
gb snapshots > /dev/null
check_spread "after the last repair"
pass "three damaged blocks in one segment: exit 12, no wrong data; repairable once k are good"
