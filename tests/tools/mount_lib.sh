# Shared by the FUSE mount tests (tests/cli/mount*.sh; sourced after cli_lib.sh).
# need_fuse: skip loudly (exit 77) where no FUSE mount can be made here.
need_fuse() {
  [ -c /dev/fuse ] || skip_untested "$1" "the FUSE mount" "/dev/fuse is missing"
  [ "$(id -u)" = 0 ] || command -v fusermount3 > /dev/null || skip_untested "$1" "the FUSE mount" "not root and no fusermount3 (Debian: fuse3)"
}
# start_mount MNT [ARGS...]: `gridbackup mount --foreground` in the
# background ($MOUNT_PID), waiting until MNT is mounted (10 s at most).
start_mount() {
  local mnt=$1; shift
  mkdir -p "$mnt"
  "$GB" --cap-file "$CAP" mount "$mnt" --foreground --quiet "$@" 2> "$W/mount.err" &  # not through gb(): $! must be the mount itself
  MOUNT_PID=$!
  for _ in $(seq 1 100); do
    mountpoint -q "$mnt" && return 0
    kill -0 "$MOUNT_PID" 2> /dev/null || break
    sleep 0.1
  done
  cat "$W/mount.err" >&2
  grep -qiE 'fuse: device not found|fuse: failed to open|Operation not permitted' "$W/mount.err" && skip_untested mount "the FUSE mount" "this machine refuses FUSE mounts"
  fail "the mount at $mnt did not come up"
}
# stop_mount MNT: SIGTERM, then the mount must be gone and the process ended with 0.
stop_mount() {
  kill -TERM "$MOUNT_PID"
  local rc=0
  timeout 10 tail --pid="$MOUNT_PID" -f /dev/null || fail "the mount process did not end within 10 s of SIGTERM"
  wait "$MOUNT_PID" || rc=$?
  [ "$rc" = 0 ] || { cat "$W/mount.err" >&2; fail "the mount process ended with $rc after SIGTERM"; }
  ! mountpoint -q "$1" || fail "$1 is still mounted after SIGTERM"
}
# The cleanup of a test that failed midway: never leave a mount behind.
unmount_on_exit() {
  trap 'for m in "$W"/mnt*; do mountpoint -q "$m" 2> /dev/null && umount -l "$m"; done; rm -rf "$W"' EXIT
}
