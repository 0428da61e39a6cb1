# Filesystems mounted and unmounted inside a watched root (issue 20): the
# narrow slice must keep the device boundary the full scan keeps (a mount
# point is recorded, never entered), a mount over old files hides them, and
# after umount the files the mount hid come back while its own never stay.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 64
trap 'umount "$DATA/over" "$DATA/new" "$DATA/bind" "$DATA/named" 2> /dev/null || true; stop_agent -KILL; umount_scratch; rm -rf "$W"' EXIT
journal_and_scan_repos
mkdir -p "$DATA/over" "$DATA/keep"
echo hidden > "$DATA/over/under-the-mount"
echo kept > "$DATA/keep/file"

start_agent "$W/state-j" "$DATA"
backup_both "first backup"
backup_both "second backup"
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the second backup was not a narrow slice"; }

# A tmpfs on a new directory, filled after the mount.
mkdir "$DATA/new"
mount -t tmpfs tmpfs "$DATA/new" || skip "cannot mount a tmpfs here"
echo foreign > "$DATA/new/on-tmpfs"
backup_both "tmpfs mounted on a new directory"
"$GB" "${J[@]}" ls latest | holds "on-tmpfs" && fail "the narrow slice crossed into a tmpfs mounted inside the root"
# A tmpfs over a directory that holds files.
mount -t tmpfs tmpfs "$DATA/over"
echo foreign > "$DATA/over/on-tmpfs"
backup_both "tmpfs mounted over old files"
umount "$DATA/new"
umount "$DATA/over"
backup_both "after umount"
"$GB" "${J[@]}" ls latest | holds "under-the-mount" || fail "the file the mount hid is not back after umount"
# A bind mount of another directory of the same filesystem.
mkdir "$DATA/bind"
mount --bind "$DATA/keep" "$DATA/bind"
backup_both "bind mount"
umount "$DATA/bind"
backup_both "after the bind umount"

# A filesystem mounted inside a root and named as a path of its own is backed
# up in its place, by narrow slices too once the agent watches it.
mkdir "$DATA/named"
mount -t tmpfs tmpfs "$DATA/named"
echo on-named > "$DATA/named/f"
stop_agent
start_agent "$W/state-j" "$DATA" "$DATA/named"
backup_both "a mount named as a path (after the agent's restart)" "$DATA" "$DATA/named"
"$GB" "${S[@]}" ls -l latest | holds " $DATA/named/f$" || fail "a mount point named as a path of its own was not backed up"
echo more >> "$DATA/named/f"
mkdir "$DATA/named/d"
echo g > "$DATA/named/d/g"
echo beside > "$DATA/keep/beside"
backup_both "changes in a mount named as a path" "$DATA" "$DATA/named"
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the backup of a root and a mount inside it named as a path was not a narrow slice"; }
"$GB" "${J[@]}" ls -l latest | holds " $DATA/named/d/g$" || fail "the narrow slice missed a change in a mount named as a path"
pass "mounts and umounts inside a root: every narrow slice equals the full scan"
