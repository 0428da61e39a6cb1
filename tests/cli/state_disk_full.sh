# The state dir on a full filesystem (issue 21): with ~40 KiB free a backup
# died with "Bus error" (SQLite writes its -shm file through a mapping), and
# with ~200 KiB free and 20k changed files `backup --no-upload` spun at 100%
# CPU retrying the queue's insert for every file. Each now gives one
# sentence and exit 1, stores no snapshot, and once space is freed the next
# backup is whole. Needs root and a loop-mounted ext4 image.
source "$GB_TESTS/tools/cli_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to loop-mount a small filesystem"
command -v mkfs.ext4 > /dev/null || skip "mkfs.ext4 is not installed"
M=$W/mnt
cleanup() { mountpoint -q "$M" && umount "$M"; rm -rf "$W"; }
trap cleanup EXIT
mkdir "$M"
SRC=$W/src
python3 - "$SRC" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(20):
    os.makedirs(f"{root}/d{d:02}")
    for i in range(1000):
        with open(f"{root}/d{d:02}/f{i:04}", "w") as f: f.write(f"{d} {i}\n")
PY
init_repo
export GRIDBACKUP_STATE_DIR=$M/state
# fresh_fs KIB: a new 16 MiB ext4 (1 KiB blocks, no reserved ones) with about KIB free.
fresh_fs() {
  mountpoint -q "$M" && umount "$M"
  rm -f "$W/fs.img"; truncate -s 16M "$W/fs.img"
  mkfs.ext4 -q -F -m 0 "$W/fs.img" 2>/dev/null || skip "mkfs.ext4 failed"
  mount -o loop "$W/fs.img" "$M" 2>/dev/null || skip "cannot loop-mount an ext4 image here"
  local avail; avail=$(df -k --output=avail "$M" | tail -1)
  fallocate -l $(( (avail - $1) * 1024 )) "$M/filler"
}
snapshot_count() { gb snapshots --json | grep -o '"id"' | wc -l; }
for free in 40 200 1200; do
  fresh_fs $free
  rc=0; timeout 60 "$GB" --cap-file "$CAP" backup --no-upload "$SRC" > /dev/null 2> "$W/err.txt" || rc=$?
  [ "$rc" -ne 124 ] || fail "with $free KiB free, backup --no-upload was still running after 60 s"
  [ "$rc" -eq 1 ] || { cat "$W/err.txt" >&2; fail "with $free KiB free, backup exited $rc, not 1"; }
  one_clear_sentence "$W/err.txt" "^gridbackup: the state directory's filesystem is full: "
  [ "$(snapshot_count)" = 0 ] || fail "with $free KiB free, a snapshot was stored"
  pass "$free KiB free: one sentence, exit 1, no snapshot"
done
# Space freed: the next backup is whole, its queue complete.
rm "$M/filler"
gb backup --no-upload "$SRC" --json > "$W/b.json"
grep -q '"queued_files":20000,' "$W/b.json" || fail "after freeing space the queue is not complete: $(cat "$W/b.json")"
gb upload --quiet
gb restore latest --target "$W/r" --quiet
compare "$SRC" "$W/r$SRC" || fail "restore differs"
pass "after freeing space: backup, upload and restore exact"
