# gridbackup mount on a real FUSE mount: a snapshot's tree as stored (names
# as bytes, types, modes, owners, mtimes, xattrs, symlink targets, hard-link
# groups and counts, bytes), random-offset reads of a file spanning many
# segments, and a backup taken while mounted appearing without a remount.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/mount_lib.sh"
need_fuse cli.mount
unmount_on_exit
SRC=$W/src
MNT=$W/mnt
mkdir -p "$SRC"
make_odd_tree "$SRC/tree"
head -c $((24 << 20)) /dev/urandom > "$SRC/big.bin"  # 24 segments of 1 MiB
init_repo
gb backup "$SRC" --quiet --no-progress
start_mount "$MNT"

step "the layout: hosts, snapshots by id, latest"
host=$(ls "$MNT/hosts")
[ "$(echo "$host" | wc -l)" = 1 ] || fail "expected one host, got: $host"
first=$(ls "$MNT/hosts/$host" | grep -v latest)
[[ "$first" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] || fail "snapshot dir name is not YYYY-MM-DDTHH:MM:SS: $first"
[ "$(readlink "$MNT/hosts/$host/latest")" = "$first" ] || fail "hosts/$host/latest does not point to $first"
[ "$(readlink "$MNT/latest/$host")" = "../hosts/$host/$first" ] || fail "latest/$host points to $(readlink "$MNT/latest/$host")"
id=$(gb snapshots --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"][:8])')
[ -d "$MNT/snapshots/$id$SRC/tree" ] || fail "snapshots/$id$SRC/tree is not there"
[ -d "$MNT/tags" ] && [ -z "$(ls "$MNT/tags")" ] || fail "tags/ is not an empty directory before any snapshot has a tag"
pass "hosts/$host/$first, snapshots/$id, latest/$host"

step "the mounted tree equals the source: bytes, modes, owners, mtimes, xattrs, links (treecompare), hard-link counts (stat)"
compare "$SRC" "$MNT/hosts/$host/$first$SRC" || fail "the mounted snapshot differs from the source"
cmp -s "$SRC/big.bin" "$MNT/snapshots/$id$SRC/big.bin" || fail "big.bin read through snapshots/ differs"
for f in plain.txt sub/hardlink-to-plain sub/larger-than-a-segment.bin sub/deeper/hardlink-to-large sub/symlink-relative "empty dir" sub; do
  fields='%h %s %a %u %g %Y %F'
  [ -d "$SRC/tree/$f" ] && fields='%h %a %u %g %Y %F'  # a directory's size is not stored
  [ "$(stat -c "$fields" "$SRC/tree/$f")" = "$(stat -c "$fields" "$MNT/latest/$host$SRC/tree/$f")" ] ||
    fail "stat of $f: $(stat -c "$fields" "$SRC/tree/$f") in the source, $(stat -c "$fields" "$MNT/latest/$host$SRC/tree/$f") mounted"
done
getfattr -n user.comment --only-values "$MNT/latest/$host$SRC/tree/plain.txt" | holds -x "an attribute" || fail "the stored xattr does not read back"
[ "$(readlink "$MNT/latest/$host$SRC/tree/sub/symlink-dangling")" = /nonexistent/target ] || fail "a dangling symlink's target differs"
! touch "$MNT/latest/$host$SRC/tree/plain.txt" 2> /dev/null || fail "the mount took a write"
pass "tree, metadata and bytes as stored; read-only"

step "cp -a out of the mount equals a restore"
gb restore latest --target "$W/restored" --quiet --no-progress
mkdir -p "$W/copied"
cp -a "$MNT/latest/$host$SRC" "$W/copied/" || fail "cp -a out of the mount failed"
compare "$W/restored$SRC" "$W/copied/src" || fail "cp -a out of the mount differs from a restore"
rm -rf "$W/restored" "$W/copied"

step "random-offset reads of a file spanning 24 segments"
python3 - "$SRC/big.bin" "$MNT/latest/$host$SRC/big.bin" <<'PY' || fail "random-offset reads through the mount differ from the source"
import os, random, sys
src, mnt = (open(p, "rb") for p in sys.argv[1:3])
size = os.path.getsize(sys.argv[1])
rng = random.Random(16)
for i in range(200):
    off = rng.randrange(size)
    n = rng.choice([1, 4096, 65536, 1 << 20, 3 << 20])
    src.seek(off); mnt.seek(off)
    a, b = src.read(n), mnt.read(n)
    assert a == b, f"read {i}: {n} bytes at {off}: {len(a)} vs {len(b)} bytes, equal={a == b}"
print("200 random reads equal")
PY

step "a backup taken while mounted appears without a remount"
echo "second version" > "$SRC/tree/plain.txt"
sleep 1  # a second snapshot in another second: its own time name
gb backup "$SRC" --quiet --no-progress --tag keep,second
for _ in $(seq 1 50); do
  [ "$(ls "$MNT/hosts/$host" | grep -vc latest)" = 2 ] && break
  sleep 0.2
done
[ "$(ls "$MNT/hosts/$host" | grep -vc latest)" = 2 ] || fail "the new snapshot did not appear within 10 s: $(ls "$MNT/hosts/$host")"
second=$(readlink "$MNT/hosts/$host/latest")
[ "$second" != "$first" ] || fail "latest still points to the first snapshot"
[ "$(cat "$MNT/hosts/$host/$second$SRC/tree/plain.txt")" = "second version" ] || fail "the new snapshot does not hold the new content"
[ "$(cat "$MNT/hosts/$host/$first$SRC/tree/plain.txt")" = hello ] || fail "the first snapshot no longer holds the old content"
compare "$SRC" "$MNT/latest/$host$SRC" || fail "the new snapshot differs from the source"
pass "snapshot $second appeared; both versions read"

step "tags: /tags/TAG/TIME holds the snapshots that carry TAG"
[ "$(ls "$MNT/tags")" = "$(printf 'keep\nsecond')" ] || fail "tags/ lists: $(ls "$MNT/tags")"
[ "$(ls "$MNT/tags/keep")" = "$(printf '%s\nlatest' "$second")" ] || fail "tags/keep lists: $(ls "$MNT/tags/keep")"
[ "$(readlink "$MNT/tags/keep/latest")" = "$second" ] || fail "tags/keep/latest points to $(readlink "$MNT/tags/keep/latest")"
[ "$(cat "$MNT/tags/second/latest$SRC/tree/plain.txt")" = "second version" ] || fail "tags/second/latest does not hold the second snapshot"
pass "tags keep and second: snapshot $second"

step "SIGTERM unmounts"
stop_mount "$MNT"
pass "unmounted on SIGTERM"
