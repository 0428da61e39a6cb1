# Scan fast, upload slow: --no-upload commits a snapshot whose content waits
# in the persistent queue; status shows it; restore of the incomplete
# snapshot restores what is there and names what is missing; upload drains
# the queue; a file changed before upload is staged by the next backup and
# still backed up; the upload rate limit holds.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/docs" "$SRC/photos"
for i in $(seq 1 30); do head -c $((i * 3000)) /dev/urandom > "$SRC/docs/d$i.txt"; done
head -c 3000000 /dev/urandom > "$SRC/photos/big.CR2"
# 12 segments: the commit hashes them on several threads, the upload in one
# pass; both must name it alike, or the upload would call it changed.
head -c 12582912 /dev/urandom > "$SRC/photos/scan.tiff"
init_repo

gb backup --no-upload "$SRC" --json > "$W/b1.json"
grep -q '"bytes_stored":[0-9]*' "$W/b1.json"
gb status --json > "$W/s1.json"
grep -q '"queued_files":32,' "$W/s1.json" || fail "status should show 32 queued files: $(cat "$W/s1.json")"
gb snapshots --json | holds '"complete":false,"pending_files":32' || fail "snapshot not shown as pending"
pass "snapshot committed before upload; queue and pending files shown"

rc=0; gb restore latest --target "$W/early" > /dev/null 2> "$W/early.err" || rc=$?
[ "$rc" -eq 3 ] || fail "restore of an incomplete snapshot should exit 3, got $rc"
grep -q 'incomplete: 32 files were not uploaded yet (still queued, or changed before their upload)' "$W/early.err" || fail "restore did not say what is missing: $(cat "$W/early.err")"
[ -d "$W/early$SRC/docs" ] || fail "restore of an incomplete snapshot did not restore the directories"
pass "incomplete snapshot restores what is there and lists what is missing"

# The queue survives the process: a separate upload run drains it.
gb upload > "$W/u1.txt" 2> "$W/u1.err"
grep -q 'changed after its snapshot' "$W/u1.err" && fail "upload took an unchanged file for changed: $(cat "$W/u1.err")"
gb status --json | holds '"queued_files":0,' || fail "queue not drained"
gb snapshots --json | holds '"complete":true' || fail "snapshot not complete after upload"
gb restore latest --target "$W/r1" --quiet
compare "$SRC" "$W/r1$SRC" || fail "restore after upload differs"
pass "upload drained the queue; snapshot complete and exact"

# A file that changes between snapshot and upload is marked unstable...
echo "version 1" > "$SRC/docs/log.txt"
gb backup --no-upload "$SRC" --quiet
echo "version 2, written after the snapshot" > "$SRC/docs/log.txt"
gb upload 2> "$W/u2.err" > /dev/null
grep -q 'log.txt changed after its snapshot' "$W/u2.err" || fail "uploader did not flag the changed file: $(cat "$W/u2.err")"
gb status --json | holds '"unstable_files":1' || fail "unstable file not recorded"
# ...and the next backup copies it aside and backs up the copy.
gb backup --no-upload "$SRC" > "$W/b3.txt"
grep -q '1 unstable file backed up from a copy' "$W/b3.txt" || fail "unstable file was not staged: $(cat "$W/b3.txt")"
echo "version 3, after staging" > "$SRC/docs/log.txt"   # the staged copy is what gets uploaded
gb upload --quiet
gb restore latest --target "$W/r3" --quiet "$SRC/docs/log.txt"
grep -q 'version 2' "$W/r3$SRC/docs/log.txt" || fail "staged copy not what was restored: $(cat "$W/r3$SRC/docs/log.txt")"
[ -z "$(ls -A "$GRIDBACKUP_STATE_DIR"/*/staging 2>/dev/null)" ] || fail "staged copy not removed after upload"
gb status --json | holds '"unstable_files":0' || fail "unstable mark not cleared"
pass "unstable file staged, uploaded from the copy, copy removed"

# A lost queue (state dir deleted) is rebuilt by the next backup: nothing is lost.
head -c 200000 /dev/urandom > "$SRC/docs/new.bin"
gb backup --no-upload "$SRC" --quiet
rm -rf "$GRIDBACKUP_STATE_DIR"
gb backup --no-upload "$SRC" --json > "$W/b4.json"
# Two files wait: new.bin, and log.txt (changed to "version 3" after the staging backup).
gb status --json | holds '"queued_files":2,' || fail "lost queue not rebuilt: $(gb status --json)"
gb upload --quiet
gb restore latest --target "$W/r4" --quiet
compare "$SRC" "$W/r4$SRC" || fail "restore after rebuilding the queue differs"
pass "deleted state dir: queue rebuilt, nothing lost"

# Rate limit: 2 MiB at 512 KiB/s takes at least ~3 s (the first second is burst).
head -c 2097152 /dev/urandom > "$SRC/photos/limited.bin"
gb backup --no-upload "$SRC" --quiet
start=$(date +%s.%N)
gb upload --limit-upload 512 --quiet
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "rate-limited upload of 2 MiB at 512 KiB/s took ${elapsed}s"
[ "$(echo "$elapsed >= 2.5" | bc)" = 1 ] || fail "rate limit not honoured: ${elapsed}s"
pass "upload rate limit honoured"
expect_fail 2 'needs a whole number' gb upload --limit-upload fast
