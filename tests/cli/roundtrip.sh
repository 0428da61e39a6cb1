# Round trip: odd names, hard links, symlinks, empty files, files larger than
# a segment, xattrs, FIFOs, devices, modes and owners survive backup+restore;
# unchanged files are not read again; deltas restore every snapshot exactly.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
make_odd_tree "$SRC"
init_repo
gb backup "$SRC" --json > "$W/b1.json"
grep -q '"errors":0' "$W/b1.json" || fail "first backup reported errors: $(cat "$W/b1.json")"
cp -a "$SRC" "$W/src-v1"   # what snapshot 1 must restore to

gb restore latest --target "$W/r1" --quiet
compare "$SRC" "$W/r1$SRC" || fail "restore of snapshot 1 differs from the source"
pass "snapshot 1 restores byte-exact with metadata"

# No change: nothing is read, nothing is stored, nothing changes.
gb backup "$SRC" --json > "$W/b2.json"
grep -q '"files_read":0,' "$W/b2.json" || fail "no-change backup read files: $(cat "$W/b2.json")"
grep -q '"changed_entries":0,' "$W/b2.json" || fail "no-change backup saw changes: $(cat "$W/b2.json")"
pass "no-change backup reads nothing"

# Changes: edit, delete, add, rename, chmod, xattr; the delta must carry them all.
echo more >> "$SRC/plain.txt"
rm "$SRC/-leading-dash"
echo new > "$SRC/sub/deeper/new-file"
mv "$SRC/sub/compressible.txt" "$SRC/renamed.txt"
chmod 0700 "$SRC/sub"
setfattr -n user.added -v yes "$SRC/empty-file" 2>/dev/null || true
rm -r "$SRC/empty dir"
gb backup "$SRC" --json > "$W/b3.json"
grep -q '"checkpoint":false' "$W/b3.json" || fail "third backup should be a delta: $(cat "$W/b3.json")"
gb restore latest --target "$W/r3" --quiet
compare "$SRC" "$W/r3$SRC" || fail "restore of the delta snapshot differs"
pass "delta snapshot restores exactly"

# The first snapshot is still intact below the newer deltas.
first=$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
gb restore "${first:0:8}" --target "$W/r1b" --quiet
compare "$W/src-v1" "$W/r1b$SRC" --no-mtime-dirs || fail "old snapshot no longer restores exactly"
pass "old snapshot still restores exactly"

# Partial restore of one subtree only.
gb restore latest --target "$W/part" --quiet "$SRC/sub/deeper"
[ -f "$W/part$SRC/sub/deeper/new-file" ] || fail "partial restore missed the subtree"
[ ! -e "$W/part$SRC/plain.txt" ] || fail "partial restore wrote paths outside the subtree"
pass "partial restore"

# ls shows the odd names byte-exactly (JSON carries the hex of non-UTF-8 names).
gb ls latest "$SRC/sub" --json > "$W/ls.json"
/usr/bin/python3 - "$W/ls.json" "$SRC" <<'PY'
import json, sys, os
entries = json.load(open(sys.argv[1]))
paths = {bytes.fromhex(e["path_hex"]) if "path_hex" in e else e["path"].encode() for e in entries}
want = {os.fsencode(os.path.join(dp, n)) for dp, ds, fs in os.walk(os.fsencode(sys.argv[2]) + b"/sub") for n in ds + fs}
want.add(os.fsencode(sys.argv[2]) + b"/sub")
assert paths == want, (paths ^ want)
PY
pass "ls --json lists exactly the stored paths"

gb verify --read-data > "$W/verify.txt" || fail "verify --read-data failed on a healthy repository"
grep -q 'no problems found' "$W/verify.txt" || fail "verify did not report success"
pass "verify --read-data on a healthy repository"
