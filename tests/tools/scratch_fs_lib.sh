# A loop-mounted scratch filesystem for the tests that need a file system
# of their own (the change-journal agent's, the service's; sourced after
# cli_lib.sh): an image under $W, mounted, unmounted by umount_scratch.
# Needs root; skips loudly where loop devices or mkfs are missing.

# mount_scratch_ext4 DIR SIZE_MB: an ext4 image mounted at DIR (removed by
# umount_scratch). Skips loudly where loop devices or mkfs are missing.
mount_scratch_ext4() {
  [ "$(id -u)" = 0 ] || skip "needs root (fanotify and a loop-mounted ext4 image)"
  command -v mkfs.ext4 > /dev/null || skip "mkfs.ext4 is missing (Debian: e2fsprogs)"
  IMG=$W/ext4.img
  truncate -s "${2}M" "$IMG"
  mkfs.ext4 -q -F "$IMG" || skip "mkfs.ext4 failed"
  mkdir -p "$1"
  mount -o loop "$IMG" "$1" || skip "cannot loop-mount an ext4 image here"
  MOUNTED=$1
}

# mount_scratch_btrfs DIR SIZE_MB: a btrfs image mounted at DIR (its top-level
# subvolume; removed by umount_scratch). Skips loudly like mount_scratch_ext4.
mount_scratch_btrfs() {
  [ "$(id -u)" = 0 ] || skip "needs root (fanotify and a loop-mounted btrfs image)"
  command -v mkfs.btrfs > /dev/null || skip "mkfs.btrfs is missing (Debian: btrfs-progs)"
  IMG=$W/btrfs.img
  truncate -s "${2}M" "$IMG"
  mkfs.btrfs -q -f "$IMG" > /dev/null 2>&1 || skip "mkfs.btrfs failed"
  mkdir -p "$1"
  mount -o loop "$IMG" "$1" || skip "cannot loop-mount a btrfs image here (no btrfs module?)"
  MOUNTED=$1
}

umount_scratch() {
  if [ -n "${MOUNTED:-}" ]; then umount "$MOUNTED" 2> /dev/null || umount -l "$MOUNTED" 2> /dev/null || true; fi
  MOUNTED=
}
