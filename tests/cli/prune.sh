# forget + prune on a file:// repository: what kept snapshots need stays and
# restores byte-exact; the rest is deleted; the two phases and the locks.
#
# Checks: prune with the default grace only plans (nothing deleted) and says
# when it deletes; content that a backup stores again after the plan is not
# lost by the sweep; prune --grace 0 deletes the unused packs and the
# forgotten snapshots, and every kept snapshot restores exactly and verifies
# with --read-data; a version stored as a delta whose base was forgotten is
# re-based (stored in full) and the base's pack goes; a backup running when
# the plan was made defers the sweep (nothing deleted) until it ends; a
# second prune while one runs is refused in one sentence; kill -9 at random
# moments of prune, then a rerun: the repository stays valid and complete.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
snap_of() { backup_summary "$1" snapshot; }
# backup_and_keep: backs up SRC and saves the tree it must restore to under $W/expect/<id>.
backup_and_keep() {
  gb backup --json --no-progress "$SRC" "$@" > "$W/b.json" || { cat "$W/b.json"; fail "backup failed"; }
  local id; id=$(snap_of "$W/b.json")
  mkdir -p "$W/expect"; rm -rf "$W/expect/$id"; cp -a "$SRC" "$W/expect/$id"
  echo "$id"
}
# check_kept: every listed snapshot restores to what was saved for it.
check_kept() {
  local n=0
  for id in $(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))'); do
    rm -rf "$W/r"; gb restore "$id" --target "$W/r" --quiet || fail "restore of kept snapshot ${id:0:8} failed"
    compare "$W/expect/$id" "$W/r$SRC" || fail "kept snapshot ${id:0:8} does not restore exactly"
    n=$((n + 1))
  done
  gb verify --read-data --quiet > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt"; fail "verify --read-data failed"; }
  pass "$n kept snapshot(s) restore byte-exact; verify --read-data is clean"
}
packs() { find "$REPO/data" -type f | wc -l; }
repo_bytes() { du -sb "$REPO/data" | cut -f1; }

init_repo
step "four snapshots: a 3 MiB file edited in the middle each time (deltas), small files replaced"
head -c 3145728 /dev/urandom > "$SRC/big.bin"
for i in $(seq 1 20); do head -c 3000 /dev/urandom > "$SRC/small-$i"; done
S1=$(backup_and_keep)
for v in 2 3 4; do
  printf "edit $v" | dd of="$SRC/big.bin" bs=1 seek=$((v * 100000)) conv=notrunc status=none
  for i in $(seq 1 20); do head -c 3000 /dev/urandom > "$SRC/small-$i"; done
  eval "S$v=\$(backup_and_keep)"
done
gb snapshots > /dev/null
before_packs=$(packs); before_bytes=$(repo_bytes)

step "forget all but the newest two; prune with the default grace only plans"
gb forget --keep-last 2 > "$W/forget.txt" || { cat "$W/forget.txt"; fail "forget failed"; }
[ "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] || fail "forget --keep-last 2 did not leave 2 snapshots"
gb prune > "$W/prune1.txt" || { cat "$W/prune1.txt"; fail "prune (planning) failed"; }
grep -q "planned:" "$W/prune1.txt" || { cat "$W/prune1.txt"; fail "prune with the default grace did not say what it planned"; }
[ "$(packs)" = "$before_packs" ] || fail "prune with a grace period deleted packs at once"
[ -f "$REPO/prune/plan" ] || fail "no prune plan was stored"
pass "the first prune planned and deleted nothing ($(grep planned: "$W/prune1.txt"))"

step "a backup after the plan stores planned content again instead of referring to it"
cp -a "$W/expect/$S1/small-1" "$SRC/back-from-s1"    # content only forgotten snapshot 1 had
S5=$(backup_and_keep)
check_kept

step "prune --grace 0: the sweep deletes, re-bases the delta whose base was forgotten, keeps what S5 needs"
gb prune --grace 0 > "$W/prune2.txt" || { cat "$W/prune2.txt"; fail "prune --grace 0 failed"; }
cat "$W/prune2.txt"
grep -qE "^deleted [0-9]+ pack" "$W/prune2.txt" || fail "prune --grace 0 did not sweep"
rebased=$(gb prune --grace 0 --dry-run --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rebased"])')
[ "$rebased" = 0 ] || fail "after the sweep $rebased version(s) still wait for re-basing"
grep -qE "re-based [1-9]" "$W/prune2.txt" || fail "the delta chain of big.bin (base forgotten) was not re-based"
after_bytes=$(repo_bytes)
[ "$after_bytes" -lt "$before_bytes" ] || fail "prune freed nothing ($before_bytes -> $after_bytes bytes)"
[ ! -e "$REPO/prune/plan" ] || fail "the carried-out plan is still stored"
for t in $(ls "$REPO/forgotten" 2>/dev/null); do
  [ -e "$REPO/snapshots/$t" ] || fail "a tombstone names a snapshot that is gone"
done
check_kept
pass "data went from $before_bytes to $after_bytes bytes"

step "bad arguments: one sentence, exit 2, nothing changed"
expect_fail 2 "grace: 'soon' is not a duration" gb prune --grace soon
expect_fail 2 "wait: '5x' is not a duration" gb prune --wait 5x
expect_fail 2 "grace: '15m' is not a duration: '15m' could be minutes or months" gb prune --grace 15m
expect_fail 2 "max-unused needs a percentage" gb prune --max-unused 150
expect_fail 2 "usage: gridbackup prune" gb prune extra-argument

step "a second sweep finds nothing more to do"
gb prune --grace 0 > "$W/prune3.txt" || fail "prune on a pruned repository failed"
grep -q "nothing to prune" "$W/prune3.txt" || { cat "$W/prune3.txt"; fail "a repeated prune found something to delete"; }

step "a backup running when the plan is made defers the sweep"
head -c 4194304 /dev/urandom > "$SRC/slow.bin"
"$GB" --cap-file "$CAP" backup --no-progress --limit-upload 64 "$SRC" > "$W/slow.txt" 2>&1 &  # not through gb(): $! must be the process itself
slow=$!
for _ in $(seq 100); do ls "$REPO/locks" 2>/dev/null | holds '^backup-' && break; sleep 0.1; done
ls "$REPO/locks" | holds '^backup-' || fail "the running backup holds no lock"
gb forget "$S5" > /dev/null
find "$REPO/data" -type f | sort > "$W/packs-before"
gb prune --grace 0 --wait 2s > "$W/prune4.txt" 2>&1 || { cat "$W/prune4.txt"; fail "a deferred prune failed"; }
grep -q "nothing was deleted yet" "$W/prune4.txt" || { cat "$W/prune4.txt"; fail "prune did not wait for the running backup"; }
find "$REPO/data" -type f | sort > "$W/packs-after"
[ -z "$(comm -23 "$W/packs-before" "$W/packs-after")" ] || fail "a deferred sweep deleted packs"
[ -e "$REPO/snapshots/$S5" ] || fail "a deferred sweep deleted a snapshot"
step "a second prune while one waits is refused in one sentence"
"$GB" --cap-file "$CAP" prune --grace 0 --wait 60s > "$W/waiting.txt" 2>&1 &
waiting=$!
for _ in $(seq 100); do grep -q "waiting for" "$W/waiting.txt" && break; sleep 0.1; done
expect_fail 1 "another prune is running" gb prune --grace 0
kill -9 "$slow" "$waiting"; wait "$slow" "$waiting" 2>/dev/null || true
rm -f "$SRC/slow.bin"
step "after the backup was killed its lock is stale: the sweep proceeds"
gb prune --grace 0 --wait 5s > "$W/prune5.txt" 2>&1 || { cat "$W/prune5.txt"; fail "prune after a killed backup failed"; }
grep -qE "^deleted" "$W/prune5.txt" || { cat "$W/prune5.txt"; fail "prune did not sweep after the backup was killed"; }
check_kept

step "a repository on read-only storage still lists and restores (no lock can be stored there)"
mkdir -p "$W/ro"
if mount --bind "$REPO" "$W/ro" 2>/dev/null && mount -o remount,ro,bind "$W/ro" 2>/dev/null; then
  latest=$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
  rm -rf "$W/r-ro"
  gb --repo "file://$W/ro" restore "$latest" --target "$W/r-ro" --quiet 2> "$W/ro.err" || { cat "$W/ro.err"; umount "$W/ro"; fail "restore from read-only storage failed"; }
  grep -q "no lock could be stored" "$W/ro.err" || { umount "$W/ro"; fail "restore from read-only storage did not say it holds no lock"; }
  expect_fail 1 "lock|Read-only" gb --repo "file://$W/ro" backup --no-progress "$SRC"
  umount "$W/ro"
  compare "$W/expect/$latest" "$W/r-ro$SRC" || fail "restore from read-only storage differs"
  pass "read-only storage: restore works and says it holds no lock; a backup there fails in one sentence"
else
  echo "SKIPPED (loudly) the read-only storage check: cannot make a read-only bind mount here" >&2
fi

step "kill -9 during prune at random moments, then a rerun"
for round in $(seq 1 6); do
  for i in $(seq 1 20); do head -c 3000 /dev/urandom > "$SRC/small-$i"; done
  printf "round $round" | dd of="$SRC/big.bin" bs=1 seek=$((round * 7000)) conv=notrunc status=none
  backup_and_keep > /dev/null
  gb forget --keep-last 2 > /dev/null
  "$GB" --cap-file "$CAP" prune --grace 0 > /dev/null 2>&1 &
  p=$!
  sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  check_kept > /dev/null
done
gb prune --grace 0 > "$W/prune6.txt" 2>&1 || { cat "$W/prune6.txt"; fail "the rerun after kill -9 failed"; }
gb prune --grace 0 > "$W/prune7.txt" 2>&1
grep -q "nothing to prune" "$W/prune7.txt" || { cat "$W/prune7.txt"; fail "garbage remains after the reruns"; }
check_kept
pass "6 killed prunes, every kept snapshot intact, the rerun cleaned up"

step "a slow upload takes the plan in between batches: the sweep does not wait for it to end"
mkdir -p "$SRC/queued"
# 48 MiB at 4 MiB/s with one upload thread: the uploader waits while full
# 16 MiB packs go out, commits (and takes the plan in) once its batch is a
# second old, seconds before the upload ends.
for i in $(seq 1 40); do head -c 1258291 /dev/urandom > "$SRC/queued/q$i"; done
SQ=$(gb backup --json --no-progress --no-upload "$SRC" | backup_summary - snapshot)
mkdir -p "$W/expect"; rm -rf "$W/expect/$SQ"; cp -a "$SRC" "$W/expect/$SQ"
"$GB" --cap-file "$CAP" upload --no-progress --limit-upload 4096 --parallel 1 --commit-interval 1 > "$W/slow-upload.txt" 2>&1 &
uploader=$!
for _ in $(seq 100); do ls "$REPO/locks" 2>/dev/null | holds '^upload-' && break; sleep 0.1; done
gb forget --keep-last 2 > /dev/null
SECONDS_BEFORE=$SECONDS
gb prune --grace 0 --wait 120s > "$W/prune-upload.txt" 2>&1 || { cat "$W/prune-upload.txt"; kill -9 "$uploader"; fail "prune during a slow upload failed"; }
kill -0 "$uploader" 2>/dev/null || { cat "$W/prune-upload.txt"; fail "the upload ended before the sweep: the test proves nothing (make it slower)"; }
grep -qE "^deleted" "$W/prune-upload.txt" || { cat "$W/prune-upload.txt"; kill -9 "$uploader"; fail "prune deferred for an upload that took the plan in"; }
pass "prune swept after $((SECONDS - SECONDS_BEFORE)) s while the upload still ran"
kill -9 "$uploader"; wait "$uploader" 2>/dev/null || true
gb upload --no-progress > "$W/upload-rest.txt" 2>&1 || { cat "$W/upload-rest.txt"; fail "the upload after the sweep failed"; }
check_kept
rm -rf "$SRC/queued"

step "a new checkpoint, then forgetting everything older: the old chain's objects go"
S9=$(backup_and_keep --force)
gb forget --keep-last 1 > /dev/null
gb prune --grace 0 > "$W/prune8.txt" 2>&1 || { cat "$W/prune8.txt"; fail "prune after a checkpoint failed"; }
[ "$(ls "$REPO/snapshots" | wc -l)" = 1 ] && [ -e "$REPO/snapshots/$S9" ] || fail "forgotten snapshots no view needs are still stored: $(ls "$REPO/snapshots" | wc -l)"
# Tombstones stay (a deleted snapshot is told apart from a rolled-back one, seen_objects.h).
[ "$(ls "$REPO/forgotten" | wc -l)" -ge 1 ] || fail "prune deleted the tombstones of the snapshots it deleted"
check_kept
