# The commands people reach for, on real trees: ls -l (fields as stat has
# them), dump (a file's exact bytes; a directory as tar that `tar x` turns
# back into the tree, odd names included; a delta version), versions (each
# change once), stats (figures consistent with what was stored: two
# identical trees deduplicate 2x); every --json parses with its documented
# fields (docs/JSON.md); bad arguments get one sentence.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
make_odd_tree "$SRC/tree"
init_repo
gb backup "$SRC" --quiet --no-progress

step "ls: one path per line; ls -l: mode, owner names, size, time as stat has them"
gb ls latest > "$W/ls.txt"
[ "$(head -1 "$W/ls.txt")" = "$SRC" ] && grep -qx "$SRC/tree/plain.txt" "$W/ls.txt" || { cat "$W/ls.txt"; fail "ls does not list one path per line"; }
[ "$(wc -l < "$W/ls.txt")" = "$(gb ls latest --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" ] || fail "ls and ls --json list different numbers of paths"
gb ls -l latest > "$W/lsl.txt"
/usr/bin/python3 - "$W/lsl.txt" "$SRC" <<'PY' || fail "ls -l fields do not match stat of the originals"
import grp, os, pwd, re, stat, sys, time
lines, src = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines(), sys.argv[2]
def human(n):
    units, v, u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], float(n), 0
    while v >= 1024 and u < 5:
        v, u = v / 1024, u + 1
    return f"{n} B" if u == 0 else f"{v:.2f} {units[u]}"
def name(uid, db, attr):
    try: return getattr(db(uid), attr)
    except KeyError: return str(uid)
checked = 0
for line in lines:
    m = re.match(r"^(\S{10}) (\S+) +(\S+) +(-|\S+ \S+)  (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)  (.*)$", line)
    assert m, line
    mode, user, group, size, when, rest = m.groups()
    path = rest.split(" -> ")[0]
    if not os.path.lexists(path):
        continue  # a quoted odd name ($'...'): checked by control_names
    st = os.lstat(path)
    assert mode == stat.filemode(st.st_mode), (line, stat.filemode(st.st_mode))
    assert user == name(st.st_uid, pwd.getpwuid, "pw_name"), line
    assert group == name(st.st_gid, grp.getgrgid, "gr_name"), line
    assert size == (human(st.st_size) if stat.S_ISREG(st.st_mode) else "-"), (line, st.st_size)
    assert when == time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(st.st_mtime)), line
    if stat.S_ISLNK(st.st_mode):
        assert rest == path + " -> " + os.readlink(path), line
    checked += 1
assert checked >= 18, checked
PY
pass "ls -l fields match lstat (mode with setuid/sticky, owner and group names, size, local time)"
# find shows sizes and times with the same formatter as ls -l.
lsl_line=$(grep " $SRC/tree/sub/compressible.txt$" "$W/lsl.txt")
find_line=$(gb find compressible.txt | grep "compressible.txt$")
[ "$(echo "$lsl_line" | awk '{print $4, $5, $6, $7}')" = "$(echo "$find_line" | awk '{print $2, $3, $4, $5}')" ] \
  || fail "ls -l and find show size and time differently: '$lsl_line' vs '$find_line'"
pass "ls -l and find show size and time the same way"

step "dump of a file: its exact bytes (also to a pipe, also a name that is not UTF-8)"
for f in plain.txt sub/larger-than-a-segment.bin sub/compressible.txt "$(printf 'bad\xff\xfename')" empty-file; do
  gb dump latest "$SRC/tree/$f" | cmp - "$SRC/tree/$f" || fail "dump of $f differs from the original"
done
gb dump latest "$SRC/tree/sub/deeper/hardlink-to-large" > "$W/hl.bin"
cmp "$W/hl.bin" "$SRC/tree/sub/larger-than-a-segment.bin" || fail "dump of a hard link differs"
pass "dump of files equals the originals"

step "dump of a directory: a tar stream that tar x turns back into the tree"
mkdir "$W/x"
gb dump latest "$SRC/tree" | tar -x -C "$W/x" --numeric-owner -p --xattrs --xattrs-include='*' \
  || fail "tar could not read the dump"
compare "$SRC/tree" "$W/x/tree" --no-mtime-dirs || fail "the tree from dump | tar x differs from the original"
pass "dump DIR | tar x equals the tree (odd names, hard links, symlinks, fifo, modes, owners, xattrs)"
mkdir "$W/x2"
gb dump latest "$SRC/tree/sub/deeper" | tar -x -C "$W/x2"
[ -d "$W/x2/deeper" ] && cmp "$W/x2/deeper/hardlink-to-large" "$SRC/tree/sub/larger-than-a-segment.bin" \
  || fail "dump of a subdirectory is not named from its last component"
pass "dump of a subdirectory is named from its last component"

step "dump of a version stored as a delta"
cp "$SRC/tree/sub/larger-than-a-segment.bin" "$W/v1.bin"
head -c 4194304 /dev/urandom > "$SRC/four-mb.bin"
gb backup "$SRC" --quiet --no-progress
dd if=/dev/urandom of="$SRC/four-mb.bin" bs=4096 count=1 seek=300 conv=notrunc status=none
gb backup "$SRC" --json --no-progress > "$W/b3.json"
grep -qE '"deltas":[1-9]' "$W/b3.json" || fail "the changed 4 MB file was not stored as a delta: $(cat "$W/b3.json")"
gb dump latest "$SRC/four-mb.bin" | cmp - "$SRC/four-mb.bin" || fail "dump of a delta version differs"
pass "dump of a delta version equals the file"

step "dump: the reader going away ends it quietly; bad arguments"
set +e
gb dump latest "$SRC/four-mb.bin" 2> "$W/pipe.err" | head -c 10 > /dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 141 ] && ! grep -q "^gridbackup:" "$W/pipe.err" || { cat "$W/pipe.err"; fail "dump | head -c 10 exited $rc or printed on stderr"; }
expect_fail 1 "snapshot [0-9a-f]{8} has nothing at $SRC/nope" gb dump latest "$SRC/nope"
one_clear_sentence "$W/err.txt" 'has nothing at'
expect_fail 2 'the PATH given to dump must be absolute' gb dump latest relative/path
expect_fail 2 'usage: gridbackup dump SNAPSHOT PATH' gb dump latest
pass "dump's errors"

step "versions: each changed version once, unchanged snapshots counted"
F=$SRC/notes.txt
echo one > "$F"; touch -d '2020-01-01 10:00:00' "$F"
gb backup "$SRC" --quiet --no-progress
gb backup "$SRC" --quiet --no-progress   # unchanged
echo "two, longer" > "$F"; touch -d '2021-01-01 10:00:00' "$F"
gb backup "$SRC" --quiet --no-progress
echo three > "$F"; touch -d '2022-01-01 10:00:00' "$F"
gb backup "$SRC" --quiet --no-progress
gb versions "$F" > "$W/versions.txt"
cat "$W/versions.txt"
[ "$(grep -c '^  [0-9a-f]\{8\}  ' "$W/versions.txt")" = 3 ] || fail "versions should list 3 versions"
[ "$(tail -1 "$W/versions.txt")" = "3 versions in 4 snapshots" ] || fail "versions' summary: $(tail -1 "$W/versions.txt")"
grep -q '2 snapshots (to ' "$W/versions.txt" || fail "the unchanged snapshot is not counted with its version"
gb versions "$F" --json > "$W/versions.json"
/usr/bin/python3 - "$W/versions.json" "$F" <<'PY' || fail "versions --json is wrong"
import hashlib, json, sys
d, f = json.load(open(sys.argv[1])), sys.argv[2]
assert [v["size"] for v in d] == [4, 12, 6], d
assert [v["snapshots"] for v in d] == [2, 1, 1], d
for v in d:
    for k in ("snapshot", "short_id", "time", "hostname", "last_snapshot", "snapshots", "type", "size", "mode", "mtime", "mtime_ns", "content"):
        assert k in v, (k, v)
assert d[0]["mtime"] == "2020-01-01T10:00:00Z" or d[0]["mtime"].startswith("20"), d[0]
assert d[0]["snapshot"] != d[0]["last_snapshot"] and d[1]["snapshot"] == d[1]["last_snapshot"]
# The content id of a one-segment file is its SHA-256 (docs/FORMAT.md).
assert d[2]["content"] == hashlib.sha256(open(f, "rb").read()).hexdigest(), d[2]
assert len({v["snapshot"] for v in d}) == 3
PY
pass "versions and versions --json"
expect_fail 1 "no snapshot has $SRC/never" gb versions "$SRC/never"
expect_fail 2 'usage: gridbackup versions PATH' gb versions
[ "$(gb versions "$F" --host nobody --json)" = "[]" ] || fail "versions --host nobody should list nothing"
pass "versions' errors and --host"

step "stats: two identical trees deduplicate 2x; figures agree with what was stored"
export GRIDBACKUP_STATE_DIR=$W/state2
CAP=$W/cap2; REPO=$W/repo2
init_repo
TWIN=$W/twin
mkdir -p "$TWIN/a"
for i in 1 2 3; do head -c 1500000 /dev/urandom > "$TWIN/a/r$i.bin"; done
cp -a "$TWIN/a" "$TWIN/b"
gb backup "$TWIN" --quiet --no-progress
gb stats > "$W/stats.txt"
cat "$W/stats.txt"
grep -qE '^total \(1 snapshot\): 6 files, .* deduplication 2\.00x, compression (0\.99|1\.00)x$' "$W/stats.txt" || fail "stats' total line is wrong"
gb backup "$TWIN" --quiet --no-progress
gb stats --json > "$W/stats.json"
/usr/bin/python3 - "$W/stats.json" "$REPO" <<'PY' || fail "stats --json is wrong"
import json, os, sys
d, repo = json.load(open(sys.argv[1])), sys.argv[2]
on_disk = sum(os.path.getsize(os.path.join(p, f)) for p, _, fs in os.walk(repo) for f in fs)
objects = sum(len(fs) for p, _, fs in os.walk(repo))
assert d["repository"]["bytes"] == on_disk and d["repository"]["objects"] == objects, (d["repository"], on_disk, objects)
assert len(d["repository"]["id"]) == 32
keys = ("files", "logical_bytes", "contents", "blobs", "raw_bytes", "stored_bytes", "metadata_bytes", "dedup_ratio", "compression_ratio")
assert len(d["snapshots"]) == 2
for s in d["snapshots"]:
    for k in keys + ("id", "short_id", "time", "hostname", "paths"):
        assert k in s, (k, s)
    assert s["files"] == 6 and s["logical_bytes"] == 6 * 1500000 and s["contents"] == 3, s
    assert s["raw_bytes"] == 3 * 1500000 and abs(s["dedup_ratio"] - 2) < 1e-9, s
    assert 0.99 < s["compression_ratio"] <= 1.0, s   # random bytes: sealing adds a little
t = d["total"]
for k in keys + ("snapshots",):
    assert k in t, (k, t)
assert t["snapshots"] == 2 and t["files"] == 12 and t["logical_bytes"] == 12 * 1500000, t
assert t["raw_bytes"] == 3 * 1500000 and abs(t["dedup_ratio"] - 4) < 1e-9, t   # the second snapshot stored nothing new
assert t["stored_bytes"] + t["metadata_bytes"] < d["repository"]["bytes"], t
PY
pass "stats and stats --json: dedup 2x within a snapshot, 4x over two, repository bytes as on disk"
gb stats latest --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["snapshots"]) == 1 and d["total"]["snapshots"] == 1' \
  || fail "stats latest should cover one snapshot"
[ "$(gb stats --host nobody --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["files"])')" = 0 ] || fail "stats --host nobody"
gb snapshots | tail -1 | holds -x '2 snapshots' || fail "snapshots' count line"
gb snapshots --host "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["hostname"])')" --path "$TWIN" > /dev/null
gb forget "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["short_id"])')" > /dev/null
gb snapshots | tail -1 | holds -x '1 snapshot' || fail "'1 snapshot', not '1 snapshots': $(gb snapshots | tail -1)"
pass "stats latest, --host; plurals"
