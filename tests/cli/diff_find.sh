# diff and find on real snapshots: add, remove, modify, chmod, replace a file
# by a directory between two backups; diff's exact lines and summary; find by
# base-name glob and by path glob across snapshots; --json parses.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/dir"
echo same > "$SRC/a.txt"
echo "to be removed" > "$SRC/b.txt"
echo keep > "$SRC/dir/keep.txt"
echo "before" > "$SRC/mod.txt"
echo "#!/bin/sh" > "$SRC/perm.sh"
chmod 0644 "$SRC/perm.sh"
echo "a file for now" > "$SRC/node"
init_repo
gb backup "$SRC" --quiet --no-progress
sleep 0.05   # directory mtimes must move
echo "new file" > "$SRC/new.txt"
rm "$SRC/b.txt"
echo "after, longer" > "$SRC/mod.txt"
chmod 0755 "$SRC/perm.sh"
rm "$SRC/node"
mkdir "$SRC/node"
echo inner > "$SRC/node/inner.txt"
gb backup "$SRC" --quiet --no-progress
read -r S1 S2 <<< "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))')"
[ -n "$S2" ] || fail "expected two snapshots"

gb diff "${S1:0:8}" "${S2:0:8}" > "$W/diff.txt"
cat > "$W/want.txt" <<WANT
U $SRC
- $SRC/b.txt
M $SRC/mod.txt
+ $SRC/new.txt
T $SRC/node
+ $SRC/node/inner.txt
U $SRC/perm.sh
2 added (15 B), 1 removed (14 B), 1 modified (7 B -> 14 B), 1 type changed, 2 metadata only
WANT
diff -u "$W/want.txt" "$W/diff.txt" || fail "diff's lines are not the expected ones"
pass "diff lists +, -, M, T, U in path order with a summary"

gb diff "${S2:0:8}" "${S1:0:8}" > "$W/back.txt"
grep -qx -- "+ $SRC/b.txt" "$W/back.txt" && grep -qx -- "- $SRC/node/inner.txt" "$W/back.txt" && grep -qx -- "T $SRC/node" "$W/back.txt" \
  || fail "diff the other way round is wrong: $(cat "$W/back.txt")"
gb diff latest "$S2" > "$W/none.txt"
[ "$(cat "$W/none.txt")" = "0 added (0 B), 0 removed (0 B), 0 modified (0 B -> 0 B), 0 type changed, 0 metadata only" ] || fail "a snapshot differs from itself: $(cat "$W/none.txt")"
pass "diff the other way round, and of a snapshot with itself"

gb diff "$S1" "$S2" --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
got = [(c['change'], c['path']) for c in d['changes']]
want = [('U', '$SRC'), ('-', '$SRC/b.txt'), ('M', '$SRC/mod.txt'), ('+', '$SRC/new.txt'), ('T', '$SRC/node'),
        ('+', '$SRC/node/inner.txt'), ('U', '$SRC/perm.sh')]
assert got == want, got
t = [c for c in d['changes'] if c['change'] == 'T'][0]
assert t['before']['type'] == 'file' and t['after']['type'] == 'dir', t
u = [c for c in d['changes'] if c['path'].endswith('perm.sh')][0]
assert u['before']['mode'] == 0o644 and u['after']['mode'] == 0o755, u
assert d['changes'][1]['after'] is None and d['changes'][3]['before'] is None
s = d['summary']
assert (s['added'], s['removed'], s['modified'], s['type_changed'], s['metadata_changed']) == (2, 1, 1, 1, 2), s
assert (s['added_bytes'], s['removed_bytes'], s['modified_bytes_before'], s['modified_bytes_after']) == (15, 14, 7, 14), s
" || fail "diff --json is wrong"
pass "diff --json"

# find: a pattern without '/' matches base names, in every snapshot.
gb find '*.txt' > "$W/find.txt"
cat "$W/find.txt"
/usr/bin/python3 - "$W/find.txt" "$SRC" "${S1:0:8}" "${S2:0:8}" <<'PY' || fail "find '*.txt' is wrong"
import re, sys
text, src, s1, s2 = open(sys.argv[1]).read().splitlines(), sys.argv[2], sys.argv[3], sys.argv[4]
per, cur = {}, None
for line in text[:-1]:
    if line.startswith("snapshot "):
        cur = line.split()[1]
        assert re.match(r"snapshot [0-9a-f]{8}  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  host \S+$", line), line
        per[cur] = []
    else:
        m = re.match(r"  (\S+) +(\S+ \S+|-)  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  (.*)$", line)
        assert m, line
        per[cur].append((m.group(1), m.group(2), m.group(3)))
assert [p for _, _, p in per[s1]] == [f"{src}/a.txt", f"{src}/b.txt", f"{src}/dir/keep.txt", f"{src}/mod.txt"], per[s1]
assert [p for _, _, p in per[s2]] == [f"{src}/a.txt", f"{src}/dir/keep.txt", f"{src}/mod.txt", f"{src}/new.txt", f"{src}/node/inner.txt"], per[s2]
assert per[s2][2][:2] == ("file", "14 B"), per[s2][2]
assert text[-1] == "9 matches in 2 snapshots", text[-1]
PY
pass "find by base-name glob across snapshots"

# With '/': the whole path ('*' also matches '/').
gb find "$SRC/node*" --json > "$W/find.json"
/usr/bin/python3 - "$W/find.json" "$SRC" "$S1" "$S2" <<'PY' || fail "find by path glob (--json) is wrong"
import json, sys
d, src, s1, s2 = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
assert [s["id"] for s in d] == [s1, s2], d
assert [(m["path"], m["type"]) for m in d[0]["matches"]] == [(f"{src}/node", "file")], d[0]
assert [(m["path"], m["type"]) for m in d[1]["matches"]] == [(f"{src}/node", "dir"), (f"{src}/node/inner.txt", "file")], d[1]
assert d[1]["matches"][1]["size"] == 6 and d[1]["matches"][1]["mtime_ns"] > 0 and d[1]["time"].endswith("Z"), d[1]
PY
gb find 'inner.txt' > "$W/inner.txt"
[ "$(grep -c '^snapshot ' "$W/inner.txt")" = 1 ] && grep -q "^snapshot ${S2:0:8} " "$W/inner.txt" || fail "find inner.txt should match snapshot 2 only: $(cat "$W/inner.txt")"
gb find 'dir' > "$W/dir.txt"
grep -qE "^  dir +-  .*  $SRC/dir$" "$W/dir.txt" || fail "find dir should show the directory: $(cat "$W/dir.txt")"
gb find 'nothing-*' > "$W/nothing.txt"
[ "$(cat "$W/nothing.txt")" = "0 matches in 0 snapshots" ] || fail "find of nothing: $(cat "$W/nothing.txt")"
[ "$(gb find '*.txt' --host nobody --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] || fail "--host does not filter find"
pass "find by path glob, --json, --host"

# A forgotten snapshot is not searched.
gb forget "${S1:0:8}" > /dev/null
gb find 'b.txt' > "$W/forgotten.txt"
[ "$(tail -1 "$W/forgotten.txt")" = "0 matches in 0 snapshots" ] || fail "find searched a forgotten snapshot: $(cat "$W/forgotten.txt")"
pass "find skips forgotten snapshots"

expect_fail 2 'usage: gridbackup diff SNAPSHOT1 SNAPSHOT2' gb diff "$S2"
one_clear_sentence "$W/err.txt" 'usage: gridbackup diff'
expect_fail 2 "'nope' is not a snapshot id" gb diff "$S2" nope
expect_fail 2 'usage: gridbackup find PATTERN' gb find
expect_fail 2 'usage: gridbackup find PATTERN' gb find a b
pass "bad arguments to diff and find"
