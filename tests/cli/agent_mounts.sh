# Filesystems mounted and unmounted inside a watched root (issue 20): the
# narrow slice must keep the device boundary the full scan keeps (a mount
# point is recorded, never entered), a mount over old files hides them, and
# after umount the files the mount hid come back while its own never stay.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 64
trap 'umount "$DATA/over" "$DATA/new" "$DATA/bind" 2> /dev/null || true; stop_agent -KILL; umount_scratch; rm -rf "$W"' EXIT
J=(--repo "file://$W/journal-repo" --cap-file "$W/cap-j" --state-dir "$W/state-j")
S=(--repo "file://$W/scan-repo" --cap-file "$W/cap-s" --state-dir "$W/state-s")
"$GB" "${J[@]}" init --quiet > /dev/null
"$GB" "${S[@]}" init --quiet > /dev/null
mkdir -p "$DATA/over" "$DATA/keep"
echo hidden > "$DATA/over/under-the-mount"
echo kept > "$DATA/keep/file"

# step NAME: a journal-driven backup and a full scan of the same tree must
# list the same entries.
step() {
  "$GB" "${J[@]}" backup "$DATA" --no-upload --no-progress > "$W/j.out" 2> "$W/j.err" || { cat "$W/j.out" "$W/j.err" >&2; fail "$1: the journal backup failed"; }
  "$GB" "${S[@]}" backup "$DATA" --no-upload --no-progress --no-journal > /dev/null 2>&1 || fail "$1: the full-scan backup failed"
  same_view "${J[@]}" -- "${S[@]}" || { cat "$W/view.diff" >&2; fail "$1: the journal-driven snapshot differs from the full scan"; }
}
start_agent "$W/state-j" "$DATA"
step "first backup"
step "second backup"
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the second backup was not a narrow slice"; }

# A tmpfs on a new directory, filled after the mount.
mkdir "$DATA/new"
mount -t tmpfs tmpfs "$DATA/new" || skip "cannot mount a tmpfs here"
echo foreign > "$DATA/new/on-tmpfs"
step "tmpfs mounted on a new directory"
"$GB" "${J[@]}" ls latest | grep -q "on-tmpfs" && fail "the narrow slice crossed into a tmpfs mounted inside the root"
# A tmpfs over a directory that holds files.
mount -t tmpfs tmpfs "$DATA/over"
echo foreign > "$DATA/over/on-tmpfs"
step "tmpfs mounted over old files"
umount "$DATA/new"
umount "$DATA/over"
step "after umount"
"$GB" "${J[@]}" ls latest | grep -q "under-the-mount" || fail "the file the mount hid is not back after umount"
# A bind mount of another directory of the same filesystem.
mkdir "$DATA/bind"
mount --bind "$DATA/keep" "$DATA/bind"
step "bind mount"
umount "$DATA/bind"
step "after the bind umount"
pass "mounts and umounts inside a root: every narrow slice equals the full scan"
