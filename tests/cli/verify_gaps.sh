# Verify covers what it used to skip (issue 21): a damaged forgotten snapshot
# object; a garbage lock object (reported; prune removes it); a pack with one
# bad blob (one damaged object, and the files that need it are named); a
# missing index object (its packs are pointed out with the repair).
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
flip() { /usr/bin/python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[int(sys.argv[2]) if len(sys.argv)>2 else len(b)//2]^=1; open(p,"wb").write(b)' "$@"; }
init_repo
snap() { gb backup "$SRC" --json | backup_summary - snapshot; }
echo one > "$SRC/a"; S1=$(snap)
head -c 50000 /dev/urandom > "$SRC/b"; S2=$(snap)
gb forget "$S1" > /dev/null
gb verify > /dev/null 2>&1 || fail "verify of a healthy repository fails"

# A damaged forgotten snapshot object.
cp "$REPO/snapshots/$S1" "$W/s1.bak"
flip "$REPO/snapshots/$S1"
rc=0; gb verify > "$W/v1.txt" 2>&1 || rc=$?
[ "$rc" = 12 ] && grep -q "snapshots/$S1 (forgotten)" "$W/v1.txt" || { cat "$W/v1.txt"; fail "a damaged forgotten snapshot object is not reported (exit $rc)"; }
cp "$W/s1.bak" "$REPO/snapshots/$S1"
pass "damaged forgotten snapshot object reported"

# A garbage lock object.
mkdir -p "$REPO/locks"; echo garbage > "$REPO/locks/deadbeef"
rc=0; gb verify > "$W/v2.txt" 2>&1 || rc=$?
[ "$rc" = 12 ] && grep -q "locks/deadbeef: not a lock" "$W/v2.txt" || { cat "$W/v2.txt"; fail "a garbage lock is not reported (exit $rc)"; }
gb prune --grace 1h > "$W/p.txt" 2>&1 || { cat "$W/p.txt"; fail "prune with a garbage lock failed"; }
[ ! -e "$REPO/locks/deadbeef" ] || fail "prune left the garbage lock"
gb verify > /dev/null 2>&1 || fail "verify still fails after prune removed the garbage lock"
pass "garbage lock reported by verify, removed by prune"

# One bad blob in a pack: one damaged object, the file named.
pack=$(grep -l . -r "$REPO/data" | xargs ls -S | head -1)   # the largest pack holds b
cp "$pack" "$W/pack.bak"
flip "$pack"   # the middle: inside the 50 KB of b
rc=0; gb verify --read-data > "$W/v3.txt" 2>&1 || rc=$?
[ "$rc" = 12 ] || { cat "$W/v3.txt"; fail "a damaged pack is not reported"; }
grep -q "has 1 damaged objects" "$W/v3.txt" || { cat "$W/v3.txt"; fail "one damaged pack does not count as one damaged object"; }
grep -q "damaged file: snapshot ${S2:0:8}: $SRC/b" "$W/v3.txt" || { cat "$W/v3.txt"; fail "the file needing the damaged blob is not named"; }
cp "$W/pack.bak" "$pack"
pass "a pack with one bad blob: one damaged object, the file named"

# A missing index object: its pack is pointed out, with the repair.
newest_index=$(ls -t "$REPO/index" | head -1)
rm "$REPO/index/$newest_index"
gb verify > "$W/v4.txt" 2>&1 || true
grep -q "no index object names.*gridbackup upload" "$W/v4.txt" || { cat "$W/v4.txt"; fail "verify does not point at the packs of a missing index object"; }
gb upload --quiet || fail "upload (re-indexing) failed"
gb restore latest --target "$W/r" --quiet || fail "restore after re-indexing failed"
cmp "$W/r$SRC/b" "$SRC/b" || fail "restore after re-indexing restored wrong"
pass "missing index object: verify names the repair, upload re-indexes"
