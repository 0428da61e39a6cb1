# btrfs subvolumes inside a watched root (issue 20). The rule (README, "Device
# boundaries"): every btrfs subvolume is a device boundary, mounted or not, as
# its own st_dev says: its directory is recorded, its contents are not, unless
# it is named as a path of its own. The narrow slice cut from the agent's
# journal must keep that boundary exactly as the full scan does, whatever
# happens inside, around and on top of the subvolumes.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
command -v btrfs > /dev/null || skip "the btrfs tool is missing (Debian: btrfs-progs)"
# The agent first: its open root directories keep their mounts busy.
trap 'stop_agent -KILL; umount "$DATA/vol/bind" 2> /dev/null || true; umount "$W/on-subvol" 2> /dev/null || true; umount_scratch; rm -rf "$W"' EXIT
MNT=$W/mnt
mount_scratch_btrfs "$MNT" 256
DATA=$MNT/data
mkdir -p "$DATA/plain"
echo plain > "$DATA/plain/file"
btrfs -q subvolume create "$DATA/vol" > /dev/null
mkdir "$DATA/vol/dir"
echo in-vol > "$DATA/vol/dir/file"
btrfs -q subvolume create "$DATA/vol/inner" > /dev/null
echo in-inner > "$DATA/vol/inner/file"
btrfs -q subvolume snapshot "$DATA/vol" "$DATA/snap" > /dev/null

journal_and_scan_repos

# slice NAME: the last journal backup was a narrow slice.
slice() { grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" "$W/agent.log" >&2; fail "$1: the backup was not a narrow slice"; }; }
listed() { "$GB" "${S[@]}" ls -l latest | holds " $1$"; }

start_agent "$W/state-j" "$DATA"
backup_both "first backup"
# The rule itself, on the full scan: the subvolume's directory is there, its
# contents are not.
listed "$DATA/vol" || fail "the subvolume's directory is not recorded"
listed "$DATA/plain/file" || fail "a file beside the subvolumes is missing"
listed "$DATA/vol/dir/file" && fail "the full scan entered a subvolume below the root"
listed "$DATA/snap/dir/file" && fail "the full scan entered a snapshot below the root"
# ... and says so once, as no mount shows them.
"$GB" "${S[@]}" backup "$DATA" --no-upload --no-progress --no-journal > /dev/null 2> "$W/s.err" || fail "the full-scan backup failed"
grep -q "note: 2 btrfs subvolumes below the paths, mounted nowhere, are recorded but not entered ($DATA/snap, $DATA/vol); name one as a path" "$W/s.err" ||
  { cat "$W/s.err" >&2; fail "the full scan did not say which subvolumes it kept out"; }
backup_both "second backup"
slice "second backup"

# Changes inside the subvolumes reach the journal (one filesystem mark covers
# every subvolume) and must stay out of the slice.
echo more >> "$DATA/vol/dir/file"
echo new > "$DATA/vol/new"
mkdir "$DATA/vol/newdir"
echo deep > "$DATA/vol/newdir/f"
mv "$DATA/snap/dir" "$DATA/snap/moved"
echo inner >> "$DATA/vol/inner/file"
echo beside > "$DATA/plain/beside"
backup_both "changes inside the subvolumes"
slice "changes inside the subvolumes"

# New subvolumes and snapshots, one renamed, one deleted.
btrfs -q subvolume create "$DATA/plain/newvol" > /dev/null
echo x > "$DATA/plain/newvol/x"
btrfs -q subvolume snapshot "$DATA/vol" "$DATA/plain/snap2" > /dev/null
backup_both "new subvolume and snapshot"
listed "$DATA/plain/newvol" || fail "a new subvolume's directory is not recorded"
"$GB" "${J[@]}" ls latest | holds "newvol/x" && fail "the narrow slice entered a new subvolume"
mv "$DATA/plain/snap2" "$DATA/plain/snap3"
btrfs -q subvolume delete "$DATA/snap" > /dev/null
backup_both "subvolume renamed, snapshot deleted"

# A bind mount of the root's own filesystem inside a subvolume: it has the
# root's device number, but the full scan never gets there (it does not enter
# the subvolume), so neither may the slice.
mkdir "$DATA/vol/bind"
mount --bind "$DATA/plain" "$DATA/vol/bind"
echo through-bind > "$DATA/plain/bound"
backup_both "bind mount inside a subvolume"
"$GB" "${J[@]}" ls latest | holds "vol/bind/" && fail "the narrow slice entered a bind mount inside a subvolume"
umount "$DATA/vol/bind"
backup_both "after the bind umount"
# Named as a path of its own, a subvolume is backed up in its place.
"$GB" "${S[@]}" backup "$DATA" "$DATA/vol" --no-upload --no-progress --no-journal > /dev/null 2>&1 || fail "the backup of a root and a subvolume in it failed"
listed "$DATA/vol/dir/file" || fail "a subvolume named as a path of its own was not backed up"
listed "$DATA/vol/inner/file" && fail "a subvolume inside the named one was entered"

# Roots on subvolumes other than the top-level one: a subvolume named as a
# path of its own, and a root on a subvolume mount (a distribution's / with
# subvol=@). The kernel refuses a filesystem mark through them (EXDEV); the
# agent marks the filesystem through its top-level subvolume and names each
# event through the root whose mount holds it.
RS=$W/on-subvol
mkdir -p "$RS"
mount -o subvol=data/vol/inner "$(findmnt -n -o SOURCE "$MNT")" "$RS" || fail "cannot mount a subvolume of the scratch btrfs"
stop_agent
start_agent "$W/state-j" "$DATA" "$DATA/vol" "$RS"
backup_both "after the agent's restart with subvolume roots" "$DATA" "$DATA/vol"
echo new2 > "$DATA/vol/new2"
echo more >> "$DATA/vol/dir/file"
echo plain2 > "$DATA/plain/p2"
backup_both "changes in a subvolume named as a path" "$DATA" "$DATA/vol"
slice "changes in a subvolume named as a path"
"$GB" "${J[@]}" ls -l latest | holds " $DATA/vol/new2$" || fail "the narrow slice missed a new file in a subvolume named as a path"
backup_both "a root on a subvolume mount" "$RS"
echo via-mount > "$RS/via"
mkdir "$RS/d"
echo x > "$RS/d/x"
backup_both "changes under a root on a subvolume mount" "$RS"
slice "changes under a root on a subvolume mount"
"$GB" "${J[@]}" ls -l latest | holds " $RS/d/x$" || fail "the narrow slice missed a change under a root on a subvolume mount"
# The same subvolume reached through two mounts: a change made through the
# other path must show under the root's.
echo through-the-other-path >> "$DATA/vol/inner/file"
backup_both "a change made through another mount of the root's subvolume" "$RS"
slice "a change made through another mount of the root's subvolume"
# A distribution's layout: only subvolumes are mounted, never the top-level,
# so the agent's top-level mount is the only way to mark the filesystem.
stop_agent
umount "$RS"
umount "$MNT"
MOUNTED=
mount -o loop,subvol=data/vol "$IMG" "$RS" || fail "cannot mount a subvolume of the scratch btrfs alone"
MOUNTED=$RS
start_agent "$W/state-j" "$RS"
backup_both "a root on the only mounted subvolume" "$RS"
echo distro > "$RS/dir/distro"
backup_both "changes under the only mounted subvolume" "$RS"
slice "changes under the only mounted subvolume"
"$GB" "${J[@]}" ls -l latest | holds " $RS/dir/distro$" || fail "the narrow slice missed a change under the only mounted subvolume"
DEV=$(findmnt -n -o SOURCE "$RS" | sed 's/\[.*//')
[ "$(findmnt -rn -S "$DEV" -o TARGET)" = "$RS" ] || { findmnt -S "$DEV" >&2; fail "the agent's top-level mount shows in the mount table"; }
# A read-only filesystem stays read-only: the agent's own mount of the
# top-level must not make it writable (the agent asks for a read-only one;
# btrfs before the new mount API turned a read-only filesystem read-write for
# a read-write mount request, 6.18 does not).
stop_agent
mount -o remount,ro "$RS" || fail "cannot remount the scratch btrfs read-only"
start_agent "$W/state-j" "$RS"
if touch "$RS/written" 2> /dev/null; then fail "the agent made a read-only btrfs writable"; fi
findmnt -n -o OPTIONS "$RS" | holds '^ro' || fail "the root's mount is no longer read-only"
pass "btrfs subvolumes inside a root: every narrow slice equals the full scan, which records them and does not enter them unless named; roots on subvolumes are watched"
