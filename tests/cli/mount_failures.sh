# gridbackup mount when things are missing: a file whose upload is pending
# reads as EIO and carries user.gridbackup.missing while the rest reads; a
# repository that went away makes reads fail with EIO at once, never a hang;
# the default (background) mode returns once mounted and `umount` ends it;
# bad arguments get one sentence.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/mount_lib.sh"
need_fuse cli.mount_failures
unmount_on_exit
SRC=$W/src
MNT=$W/mnt
mkdir -p "$SRC/d" "$MNT"
echo stored > "$SRC/d/stored.txt"
head -c 3000000 /dev/urandom > "$SRC/d/three-segments.bin"
init_repo
gb backup "$SRC" --quiet --no-progress
echo pending > "$SRC/d/pending.txt"
gb backup "$SRC" --quiet --no-progress --no-upload  # pending.txt: committed, its content not stored

step "bad arguments: one sentence"
expect_fail 2 "not a directory" gb mount "$W/no-such-dir" --foreground
expect_fail 2 "usage: gridbackup mount" gb mount

step "the default mode returns once mounted"
timeout 20 "$GB" --cap-file "$CAP" mount "$MNT" --quiet || fail "gridbackup mount did not return 0 within 20 s"
mountpoint -q "$MNT" || fail "gridbackup mount returned but $MNT is not mounted"
host=$(ls "$MNT/hosts")
snap=$MNT/latest/$host$SRC/d
pass "mounted in the background"

step "a pending file: EIO and user.gridbackup.missing; the stored ones read"
[ "$(stat -c %s "$snap/pending.txt")" = 8 ] || fail "the pending file does not list with its stored size"
err=$(cat "$snap/pending.txt" 2>&1 > /dev/null) && fail "reading the pending file succeeded"
echo "$err" | holds "Input/output error" || fail "reading the pending file did not fail with EIO: $err"
getfattr -n user.gridbackup.missing "$snap/pending.txt" 2> /dev/null | holds "not stored" || fail "the pending file has no user.gridbackup.missing xattr"
getfattr -d -m - "$snap/stored.txt" 2> /dev/null | holds gridbackup && fail "a stored file carries the missing xattr"
[ "$(cat "$snap/stored.txt")" = stored ] || fail "a stored file does not read"
pass "pending.txt: EIO with the xattr; stored.txt reads"

step "the repository goes away: EIO at once, no hang"
ls "$snap" > /dev/null
mv "$REPO" "$REPO.gone"
rc=0
out=$(timeout 20 cat "$snap/three-segments.bin" 2>&1 > /dev/null) || rc=$?
[ "$rc" != 124 ] || fail "a read hung for 20 s after the repository went away"
[ "$rc" != 0 ] || fail "a read of content never read before succeeded without the repository"
echo "$out" | holds "Input/output error" || fail "the read did not fail with EIO: $out"
mv "$REPO.gone" "$REPO"
cmp -s "$SRC/d/three-segments.bin" "$snap/three-segments.bin" || fail "the file does not read once the repository is back"
pass "EIO without the repository, the bytes again once it is back"

step "umount ends the background mount"
umount "$MNT" || fusermount3 -u "$MNT" || fail "cannot unmount $MNT"
! mountpoint -q "$MNT" || fail "$MNT is still mounted"
pass "unmounted"
