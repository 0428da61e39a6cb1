# A backup never crosses into another filesystem below a root: the mount
# point is recorded as a directory, its contents are not.
source "$GB_TESTS/tools/cli_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to mount a filesystem"
SRC=$W/src
mkdir -p "$SRC/mnt"
echo outside > "$SRC/outside"
mount -t tmpfs -o size=4m gbtest "$SRC/mnt" || skip "cannot mount tmpfs here"
trap 'umount "$SRC/mnt" 2>/dev/null; rm -rf "$W"' EXIT
echo inside > "$SRC/mnt/inside"
init_repo
gb backup "$SRC" --quiet
gb ls latest --json > "$W/ls.json"
grep -q "\"path\":\"$SRC/mnt\"" "$W/ls.json" || fail "mount point directory not recorded"
grep -q "\"path\":\"$SRC/outside\"" "$W/ls.json" || fail "file on the root's filesystem missing"
if grep -q 'inside"' "$W/ls.json"; then fail "backup crossed into the mounted filesystem"; fi
pass "device boundary respected"
