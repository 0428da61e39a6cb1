# A delta whose base lost its index object is not "present": the next backup
# stores the version in full, snapshots stop showing it pending, and it
# restores (issue 21: a file silently never backed up again).
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
head -c 3145728 /dev/urandom > "$SRC/f"
init_repo
gb backup "$SRC" --quiet
first_index=$(ls "$REPO/index")
/usr/bin/python3 -c 'import os,sys; f=open(sys.argv[1],"r+b"); f.seek(1000); f.write(os.urandom(4096))' "$SRC/f"
gb backup "$SRC" --json > "$W/b2.json"
grep -q '"deltas":1' "$W/b2.json" || fail "the change should be stored as a delta"
rm "$REPO/index/$first_index"   # the object naming the base
gb backup "$SRC" --quiet || fail "backup after losing the base's index object failed"
gb snapshots > "$W/snaps.txt"
tail -2 "$W/snaps.txt" | head -1 | holds pending && { cat "$W/snaps.txt"; fail "the newest snapshot still shows its file pending"; }
pass "the backup after the loss stored the version again"
gb restore latest --target "$W/r" --quiet || fail "restore of the healed snapshot failed"
cmp "$W/r$SRC/f" "$SRC/f" || fail "the healed file restores wrong"
pass "the healed file restores exactly"
