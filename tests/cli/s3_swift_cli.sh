# The gridbackup CLI against a real erasure-coded object store through its S3
# API: OpenStack Swift from Debian's packages (s3api + tempauth, EC 4+2 over
# six object servers), started on 127.0.0.1 by scripts/swift-saio via
# tests/tools/swift_lib.sh. The repository is
# s3://127.0.0.1:PORT/BUCKET/PREFIX?scheme=http (path style).
#
# Checks: round trip of the odd tree plus a 4 MB file, byte-exact with
# metadata; a second backup with changes (a delta snapshot, a forward delta
# for the big file); verify --read-data; restore from the cap string alone
# (no state dir, no cap file) with the credentials in the environment; an
# object server crashed (SIGKILL) in the middle of a restore, then a restore
# with two of six down: Swift's erasure coding serves every byte; wrong and
# missing credentials, a missing bucket: one clear sentence, documented exit
# code; the proxy stopped during a backup, and during an upload of the queue
# (backup --no-upload + upload): a clear error, the queue keeps its jobs, the
# next upload adopts the packs the interrupted one stored instead of sending
# them again, completes, and the repository verifies.
# (The backend-level behaviour -- paging, multipart, retry and abort paths --
# is in s3_swift_backend.sh and s3_fault_backend.sh.)
#
# Exit 77 (skip) only when Swift cannot be installed or started here.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/swift_lib.sh"
skip_loudly() { skip_untested s3_swift_cli "The gridbackup CLI against an S3 server" "$*"; }
swift_ensure_installed || skip_loudly "$SWIFT_ERROR"
trap 'swift_cleanup; rm -rf "$W"' EXIT
step "starting Swift (EC 4+2, s3api) in $W/swift"
swift_start "$W/swift" 120 || skip_loudly "$SWIFT_ERROR"

export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE
BUCKET=gb-cli-test
URL="s3://127.0.0.1:$PROXY_PORT/$BUCKET/backups/laptop?scheme=http&style=path"
PROXY_LOG=$SWIFT_DIR/log/proxy.log

# 1 MB random files, so content neither compresses nor deduplicates.
make_files() { # DIR COUNT
  mkdir -p "$1"
  for i in $(seq 1 "$2"); do head -c 1000000 /dev/urandom > "$1/f$i.bin"; done
}
json_field() { backup_summary "$1" "$2"; } # FILE KEY: a member of backup --json's summary
queued_files() { gb status --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["queued_files"])'; }
# proxy_stopped_under PID WHAT ERR PATTERN: stops the proxy while WHAT (the
# background command PID, its stderr in ERR) still runs; WHAT must then end
# with exit 1 and one clear sentence matching PATTERN. The proxy runs again after.
proxy_stopped_under() {
  local pid=$1 what=$2 err=$3 rc=0
  kill -0 "$pid" 2>/dev/null || fail "the $what ended before the proxy was stopped"
  swift_stop proxy
  wait "$pid" || rc=$?
  [ "$rc" = 1 ] || { cat "$err" >&2; fail "$what with the proxy stopped exited $rc, want 1"; }
  one_clear_sentence "$err" "$4"
  swift_start_servers proxy
  swift_wait 60 || fail "the proxy did not come back"
}

step "init at $URL"
init_at "$URL"
grep -q "PUT /$BUCKET/backups/laptop/config " "$PROXY_LOG" || fail "the repository config never reached Swift"
pass "repository created in bucket $BUCKET"

step "backup of the odd tree plus a 4 MB file, restore, compare"
SRC=$W/src
first_snapshot_round_trip "$SRC"
fragments=$(find "$SWIFT_DIR/srv" -path '*objects-1*' -name '*#d.data' | wc -l)
[ "$fragments" -ge 6 ] || fail "only $fragments EC fragments stored in Swift"
pass "snapshot 1 restores byte-exact with metadata ($fragments EC fragments in Swift)"

step "second backup with changes"
second_snapshot_round_trip "$SRC"
pass "changed tree and the older snapshot restore exactly (the big file through a forward delta)"

step "verify --read-data"
verify_read_data_ok
pass "verify --read-data: $(grep '^checked' "$W/verify.txt")"

step "restore on a machine with nothing but the cap (and the S3 credentials)"
restores_from_the_cap_alone "$SRC"
pass "the cap string alone lists and restores"

step "a backup after finished ones lists nothing of data/"
# The listing of data/ (paged: it grows with the repository) finds the packs
# of an interrupted run; a run that finished leaves none, so the next one does
# not list (storing_run.h). The first backup of a new state dir lists once:
# the pattern below is seen to match.
# (The proxy logs the query quoted: GET /BUCKET%3Flist-type%3D2%26prefix%3Dbackups%252F...)
lists_data() { grep "GET /$BUCKET%3Flist-type" "$PROXY_LOG" | grep -c 'prefix%3Dbackups%252Flaptop%252Fdata%252F' || true; }
listed_before=$(lists_data)
[ "$listed_before" -ge 1 ] || fail "no listing of data/ in the proxy log at all (the pattern is wrong?): $(grep "GET /$BUCKET%3F" "$PROXY_LOG" | tail -3)"
echo touched > "$SRC/touched-file"
gb backup "$SRC" --no-progress --quiet
gb backup "$SRC" --no-progress --quiet
[ "$(lists_data)" = "$listed_before" ] ||
  fail "backups after finished ones listed data/ $(( $(lists_data) - listed_before )) more times"
pass "two more backups (one with a change, one without) listed nothing of data/ (the first backup's $listed_before listing stands alone)"

step "an object server crashes in the middle of a restore"
make_files "$W/big" 80
gb backup "$W/big" --json --no-progress > "$W/b3.json"
big_id=$(json_field "$W/b3.json" snapshot)
# Timing, measured here: this 80 MB restore takes 1.5-3 s on 2 cores, so a
# crash 0.3 s after its start lands in the middle of it. The test checks that
# the restore is still running right before the SIGKILL (swift_kill sends it
# first) and prints how long the restore took in all.
restore_start=$(date +%s%N)
gb restore "${big_id:0:8}" --target "$W/r-crash" --quiet > "$W/r-crash.out" 2> "$W/r-crash.err" &
restore_pid=$!
sleep 0.3
kill -0 "$restore_pid" 2>/dev/null || fail "the restore ended within 0.3 s; the crash would not be mid-restore (make the dataset larger)"
killed_at=$(( ($(date +%s%N) - restore_start) / 1000000 ))
swift_kill object-3
rc=0; wait "$restore_pid" || rc=$?
restore_ms=$(( ($(date +%s%N) - restore_start) / 1000000 ))
[ "$rc" = 0 ] || { cat "$W/r-crash.err" >&2; fail "restore with object-3 crashed mid-way exited $rc"; }
diff -r "$W/big" "$W/r-crash$W/big" > /dev/null || fail "restore with object-3 crashed mid-way differs"
pass "object-3 SIGKILLed ${killed_at} ms into a restore that took ${restore_ms} ms in all; restored byte-exact"
# Deterministic too: with object-3 down from the start, and a second server down.
swift_kill object-5
gb restore "${big_id:0:8}" --target "$W/r-two-down" --quiet
diff -r "$W/big" "$W/r-two-down$W/big" > /dev/null || fail "restore with two of six object servers down differs"
pass "restore with object-3 and object-5 down (EC 4+2 reads any four fragments): byte-exact"
swift_start_servers object-3 object-5

step "wrong and missing credentials"
expect_fail 1 'SignatureDoesNotMatch.*check the credentials' env AWS_SECRET_ACCESS_KEY=wrong "$GB" --cap-file "$CAP" snapshots
one_clear_sentence "$W/err.txt" 'HTTP 403 SignatureDoesNotMatch'
expect_fail 1 'HTTP 403 .*check the credentials' env AWS_SECRET_ACCESS_KEY=wrong "$GB" --cap-file "$CAP" backup --quiet "$SRC"
one_clear_sentence "$W/err.txt" 'HTTP 403'
expect_fail 2 'no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' \
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$W/no-home" "$GB" --cap-file "$CAP" snapshots
one_clear_sentence "$W/err.txt" 'no S3 credentials'

step "missing bucket"
expect_fail 10 "no GridBackup repository at s3://.*/no-such-bucket/.*: the bucket it names does not exist" \
  "$GB" --cap-file "$CAP" snapshots --repo "s3://127.0.0.1:$PROXY_PORT/no-such-bucket/backups?scheme=http"
one_clear_sentence "$W/err.txt" 'the bucket it names does not exist'
expect_fail 10 "no GridBackup repository at s3://.*/$BUCKET/elsewhere" \
  "$GB" --cap-file "$CAP" snapshots --repo "s3://127.0.0.1:$PROXY_PORT/$BUCKET/elsewhere?scheme=http"

step "the proxy stops during a backup"
make_files "$W/more" 60
# 60 MB at a 20 MiB/s upload limit take at least 3 s: the stop at 0.5 s is mid-upload.
gb backup "$W/more" --limit-upload 20480 --no-progress > "$W/b4.out" 2> "$W/b4.err" &
backup_pid=$!
sleep 0.5
proxy_stopped_under "$backup_pid" backup "$W/b4.err" "127\.0\.0\.1.*(Couldn't connect|onnection|Empty reply|Recv failure|Send failure).*gave up after [0-9]+ attempts"
gb backup "$W/more" --json --no-progress > "$W/b5.json"
grep -q '"errors":0' "$W/b5.json" || fail "the backup after the proxy restart reported errors: $(cat "$W/b5.json")"
more_id=$(json_field "$W/b5.json" snapshot)
gb restore "${more_id:0:8}" --target "$W/r-more" --quiet
diff -r "$W/more" "$W/r-more$W/more" > /dev/null || fail "restore of the backup after the proxy restart differs"
pass "the next backup after the proxy restart completes and restores byte-exact"

step "the proxy stops while the upload queue drains"
make_files "$W/queued" 80
gb backup --no-upload "$W/queued" --json --no-progress > "$W/b6.json"
queued_id=$(json_field "$W/b6.json" snapshot)
[ "$(queued_files)" = 80 ] || fail "backup --no-upload should queue 80 files: $(gb status --json)"
# 80 MB at 10 MiB/s take at least 6 s; stopped once the first 16 MiB pack has
# reached Swift (its PUT is in the proxy log; a fixed sleep was too short on
# a loaded machine), a pack is stored but not yet indexed (the index and the
# queue are committed every 64 MiB): the next upload must adopt it instead of
# sending it again.
packs_put() { grep -c "PUT /$BUCKET/backups/laptop/data/" "$PROXY_LOG" || true; }
packs_before=$(packs_put)
gb upload --limit-upload 10240 --no-progress > "$W/u1.out" 2> "$W/u1.err" &
upload_pid=$!
for _ in $(seq 200); do [ "$(packs_put)" -gt "$packs_before" ] && break; sleep 0.1; done
[ "$(packs_put)" -gt "$packs_before" ] || fail "the upload stored no pack within 20 s"
proxy_stopped_under "$upload_pid" upload "$W/u1.err" "127\.0\.0\.1.*gave up after [0-9]+ attempts"
left=$(queued_files)
[ "$left" -gt 0 ] && [ "$left" -le 80 ] || fail "after the failed upload the queue holds $left files, want 1..80"
gb snapshots --json | holds "\"id\":\"$queued_id\".*\"complete\":false" || fail "the snapshot should still be incomplete"
pass "the failed upload kept $left of 80 jobs in the queue"
gb upload --no-progress > "$W/u2.out" || fail "the upload after the proxy restart failed"
grep -qE 'adopted [1-9][0-9]* packs? an interrupted run had stored' "$W/u2.out" ||
  fail "the upload did not adopt the packs the interrupted one stored: $(cat "$W/u2.out")"
[ "$(queued_files)" = 0 ] || fail "the queue is not empty after the upload: $(gb status --json)"
gb snapshots --json | holds "\"id\":\"$queued_id\".*\"complete\":true" || fail "the snapshot is not complete after the upload"
gb restore "${queued_id:0:8}" --target "$W/r-queued" --quiet
diff -r "$W/queued" "$W/r-queued$W/queued" > /dev/null || fail "restore after the resumed upload differs"
pass "the later upload completed: $(cat "$W/u2.out" | head -1)"

step "the repository verifies after the faults"
verify_read_data_ok "after the faults"
[ "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 7 ] ||
  fail "expected 7 snapshots (4 of the tree, big, more, queued)"
gb restore "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[3]["short_id"])')" --target "$W/r-final" --quiet
compare "$SRC" "$W/r-final$SRC" || fail "the tree snapshot no longer restores exactly after the faults"
pass "verify --read-data after the faults: $(grep '^checked' "$W/verify.txt")"
step "all passed"
