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
# Named as a path of its own, the mounted filesystem is backed up in its
# place, in path order (between the mount point and what follows it).
gb backup "$SRC" "$SRC/mnt" --quiet
gb ls -l latest > "$W/ls2.txt"
grep -q " $SRC/mnt/inside$" "$W/ls2.txt" || { cat "$W/ls2.txt"; fail "a mount point named as a path was not backed up"; }
grep -q " $SRC/outside$" "$W/ls2.txt" || fail "the outer path's own file is missing"
[ "$(grep -c " $SRC/mnt$" "$W/ls2.txt")" = 1 ] || { cat "$W/ls2.txt"; fail "the mount point is listed more than once"; }
awk '{print $NF}' "$W/ls2.txt" | grep -x -e "$SRC/mnt/inside" -e "$SRC/outside" | tr '\n' ' ' > "$W/order.txt"
[ "$(cat "$W/order.txt")" = "$SRC/mnt/inside $SRC/outside " ] || { cat "$W/ls2.txt"; fail "the named mount's files are out of path order"; }
gb restore latest --target "$W/r" --quiet
[ "$(cat "$W/r$SRC/mnt/inside")" = inside ] || fail "the named mount's file was not restored"
# Behind a boundary that is not named: the walk passes through the unnamed
# mount to the named one below it, recording nothing else on the way.
mkdir -p "$SRC/mnt/deeper/sub"
echo other > "$SRC/mnt/deeper/other"
mount -t tmpfs -o size=4m gbtest2 "$SRC/mnt/deeper/sub" || skip "cannot mount a second tmpfs here"
trap 'umount "$SRC/mnt/deeper/sub" 2>/dev/null; umount "$SRC/mnt" 2>/dev/null; rm -rf "$W"' EXIT
echo deep > "$SRC/mnt/deeper/sub/deep"
gb backup "$SRC" "$SRC/mnt/deeper/sub" --quiet
gb ls latest | awk '{print $NF}' > "$W/ls3.txt"
grep -qx "$SRC/mnt/deeper/sub/deep" "$W/ls3.txt" || { cat "$W/ls3.txt"; fail "a mount named below an unnamed one was not backed up"; }
grep -qx "$SRC/mnt" "$W/ls3.txt" || fail "the unnamed mount point is not recorded"
if grep -qx -e "$SRC/mnt/inside" -e "$SRC/mnt/deeper" -e "$SRC/mnt/deeper/other" "$W/ls3.txt"; then cat "$W/ls3.txt"; fail "the walk recorded what it passed through"; fi
pass "device boundary respected; a mount named as a path is backed up in its place"
