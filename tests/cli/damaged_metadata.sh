# One bad byte in an object a restore does not need blocks nothing (issue 21):
# a damaged prune/plan, or a damaged index object naming only a forgotten
# snapshot's pack. Restore and snapshots work and say the damage in one line
# with the repair; a backup stays safe (stores content again, refers to
# nothing doomed); prune rewrites a damaged plan.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
flip() { /usr/bin/python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$1"; }
head -c 200000 /dev/urandom > "$SRC/old"
init_repo
gb backup "$SRC" --quiet
first_index=$(ls "$REPO/index")
rm "$SRC/old"; head -c 200000 /dev/urandom > "$SRC/new"
gb backup "$SRC" --quiet
gb forget --keep-last 1 > /dev/null
gb prune --grace 1h > /dev/null
[ -e "$REPO/prune/plan" ] || fail "no plan was made"

# A damaged plan.
flip "$REPO/prune/plan"
gb restore latest --target "$W/r1" --quiet 2> "$W/r1.err" || { cat "$W/r1.err"; fail "restore fails with a damaged prune plan"; }
cmp "$W/r1$SRC/new" "$SRC/new" || fail "restore with a damaged plan restored wrong"
grep -q "prune plan.*damaged.*gridbackup prune" "$W/r1.err" || { cat "$W/r1.err"; fail "restore does not say the plan is damaged and how to repair"; }
gb snapshots > /dev/null 2> "$W/s1.err" || { cat "$W/s1.err"; fail "snapshots fails with a damaged prune plan"; }
pass "damaged plan: restore and snapshots work and say how to repair"
cp "$SRC/new" "$W/new.copy"
head -c 1000 /dev/urandom > "$SRC/another"
gb backup "$SRC" --quiet 2> "$W/b1.err" || { cat "$W/b1.err"; fail "backup fails with a damaged plan"; }
gb prune --grace 1h > "$W/p1.txt" 2>&1 || { cat "$W/p1.txt"; fail "prune cannot replace a damaged plan"; }
gb restore latest --target "$W/r2" --quiet 2> "$W/r2.err" || { cat "$W/r2.err"; fail "restore after prune rewrote the plan fails"; }
grep -q "damaged" "$W/r2.err" && { cat "$W/r2.err"; fail "the plan is still damaged after prune"; }
gb prune --grace 0 > /dev/null 2>&1 || fail "the sweep after the rewritten plan failed"
gb restore latest --target "$W/r3" --quiet || fail "restore after the sweep fails"
cmp "$W/r3$SRC/new" "$SRC/new" && cmp "$W/r3$SRC/another" "$SRC/another" || fail "the backup taken with a damaged plan lost content"
pass "backup with a damaged plan is safe; prune rewrote the plan"

# A damaged index object naming only a forgotten snapshot's pack.
rm -rf "$REPO" "$GRIDBACKUP_STATE_DIR" "$CAP"; init_repo
mkdir -p "$W/src2"; SRC=$W/src2
head -c 200000 /dev/urandom > "$SRC/old"
gb backup "$SRC" --quiet
first_index=$(ls "$REPO/index")
rm "$SRC/old"; head -c 200000 /dev/urandom > "$SRC/new"
gb backup --force "$SRC" --quiet   # a checkpoint: its view needs no log of the first
gb forget --keep-last 1 > /dev/null
# The first object names only the forgotten snapshot's pack (its log and
# content); the kept snapshot's log and content are in the second.
flip "$REPO/index/$first_index"
# This machine kept a copy of the object when it was whole (the object
# cache): restore reads that copy, which still hashes to the object's name,
# and meets no damage; verify reads the storage and names it.
gb restore latest --target "$W/r4c" 2> "$W/r4c.err" > /dev/null || { cat "$W/r4c.err"; fail "restore fails with a damaged index object this machine has a copy of"; }
cmp "$W/r4c$SRC/new" "$SRC/new" || fail "restore from the cached index restored wrong"
grep -q "is damaged" "$W/r4c.err" && { cat "$W/r4c.err"; fail "restore read the damaged object instead of this machine's whole copy"; }
gb verify > "$W/v4.txt" 2>&1 || true
grep -q "index object index/${first_index:0:8}.* is damaged" "$W/v4.txt" || { cat "$W/v4.txt"; fail "verify does not name the damaged index object"; }
pass "damaged index object with a whole local copy: restore uses the copy, verify names the damage"
# Another machine, with no copies, meets the damage.
rm -rf "$GRIDBACKUP_STATE_DIR"/*/objects
gb snapshots > /dev/null 2> "$W/s2.err" || { cat "$W/s2.err"; fail "snapshots fails with a damaged index object"; }
gb restore latest --target "$W/r4" 2> "$W/r4.err" > /dev/null || { cat "$W/r4.err"; fail "restore fails with a damaged index object it does not need"; }
cmp "$W/r4$SRC/new" "$SRC/new" || fail "restore with a damaged index object restored wrong"
grep -q "index object index/${first_index:0:8}.* is damaged" "$W/r4.err" || { cat "$W/r4.err"; fail "restore does not name the damaged index object"; }
[ "$(grep -c 'index object' "$W/r4.err")" = 1 ] || { cat "$W/r4.err"; fail "the damage is not said in one line"; }
gb backup "$SRC" --quiet 2> "$W/b2.err" || { cat "$W/b2.err"; fail "backup fails with a damaged index object"; }
pass "damaged index object: snapshots, restore and backup work; the object is named"
