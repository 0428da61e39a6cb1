#!/bin/bash
# The Linux change-journal agent end to end, on an ext4 image of its own:
# known operations become the expected change records, a cookie file is seen
# promptly, a start says "rescan", an overflow says "overflow", a second agent
# is refused, a root fanotify cannot watch is refused with a sentence, and a
# recording replays into the same records the journal got.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/scratch_fs_lib.sh"
: "${GB_REPLAY:?GB_REPLAY must point to gridbackup-replay (ctest sets it)}"
[ "$(id -u)" = 0 ] || skip "the fanotify agent test needs root (CAP_SYS_ADMIN, loop mounts)"

M=$W/mnt
ROOT=$M/root
S=$W/agent-state
OLD_QUEUE=$(cat /proc/sys/fs/fanotify/max_queued_events)
AGENT_PID=
cleanup() {
  [ -n "$AGENT_PID" ] && kill -TERM "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
  echo "$OLD_QUEUE" > /proc/sys/fs/fanotify/max_queued_events
  umount_scratch
  rm -rf "$W"
}
trap cleanup EXIT
mount_scratch_ext4 "$M" 64
mkdir "$ROOT" "$M/outside"

journal() { "$GB" agent journal --state-dir "$S" "$@"; }
# has_record LINE [FILE]: the journal (or FILE) holds "SEQ LINE".
has_record() { grep -qxF -- "$1" <(cut -d' ' -f2- "${2:-$W/journal.txt}"); }
expect_records() {
  journal > "$W/journal.txt"
  local r
  for r in "$@"; do has_record "$r" || { cat "$W/journal.txt" >&2; fail "the journal lacks '$r'"; }; done
}

# start_agent STARTS_BEFORE [OPTION...]: starts the agent on $ROOT and waits
# for its start record: the agent appends it once its marks are in place.
start_agent() {
  local starts_before=$1 i
  shift
  "$GB" agent run --state-dir "$S" "$@" "$ROOT" 2> "$W/agent.err" &
  AGENT_PID=$!
  for i in $(seq 1 200); do
    [ "$(journal 2>/dev/null | grep -cxE "[0-9]+ rescan-needed dir $ROOT")" -gt "$starts_before" ] && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || { cat "$W/agent.err" >&2; fail "the agent exited at start"; }
    sleep 0.05
  done
  fail "the agent did not start within 10 s"
}
stop_agent() {
  kill -TERM "$AGENT_PID"
  wait "$AGENT_PID" || { cat "$W/agent.err" >&2; fail "the agent did not stop cleanly on SIGTERM"; }
  AGENT_PID=
  no_crash_in "$W/agent.err" "the agent"
}
# sync_cookie: a backup's cookie file appears in the journal promptly: every
# change before it is then in the journal too. A cookie created while the
# queue is still full after an overflow is lost with the other events; then,
# like a backup, try another one.
COOKIES=0
sync_cookie() {
  local attempt c t0 deadline
  for attempt in 1 2 3; do
    c="$ROOT/.gridbackup-cookie-$$-$((COOKIES++))"
    t0=$(date +%s%N)
    deadline=$((t0 + 2000000000))
    : > "$c"
    while [ "$(date +%s%N)" -lt "$deadline" ]; do
      if journal | holds -xE "[0-9]+ created file $c"; then
        rm "$c"
        LAST_COOKIE_MS=$((($(date +%s%N) - t0) / 1000000))
        return 0
      fi
      sleep 0.005
    done
    rm "$c"
    echo "the cookie $c did not reach the journal within 2 s (attempt $attempt)" >&2
  done
  fail "no cookie reached the journal"
}

# --- known operations -------------------------------------------------------
start_agent 0 --record "$W/agent.rec"
expect_records "rescan-needed dir $ROOT"
pass "the agent's start asks for a rescan of its root"

expect_fail 2 'already running on the state dir' "$GB" agent run --state-dir "$S" "$ROOT"
one_clear_sentence "$W/err.txt" "another change-journal agent \\(pid $AGENT_PID\\)"
"$GB" agent status --state-dir "$S" > "$W/status.txt"
grep -q "^agent: *running (fanotify, pid $AGENT_PID, " "$W/status.txt" || fail "agent status: $(cat "$W/status.txt")"
grep -q "^agent: .*, watching $ROOT)$" "$W/status.txt" || fail "agent status lacks the root: $(cat "$W/status.txt")"

cd "$ROOT"
echo hello > a.txt; sync_cookie
echo more >> a.txt; sync_cookie
mv a.txt b.txt; sync_cookie
mkdir d; echo x > d/f; sync_cookie
mv d d2; sync_cookie
chmod 600 b.txt; setfattr -n user.note -v yes b.txt; sync_cookie
ln b.txt hard; sync_cookie
rm b.txt; sync_cookie
mkdir e; rmdir e; sync_cookie
touch "$M/outside/not-watched"; sync_cookie
# a tree made, moved and removed faster than the agent reads: its directories
# are gone when their events are read, and still each event finds its place
mkdir -p t/a/b; : > t/a/b/f; mv t t2; rm -r t2; sync_cookie
cd /
[ "$COOKIES" = 11 ] || fail "a cookie was lost without an overflow"
pass "each cookie reached the journal (the last in $LAST_COOKIE_MS ms)"
[ "$LAST_COOKIE_MS" -lt 1000 ] || fail "a cookie took $LAST_COOKIE_MS ms to reach the journal"
stop_agent
"$GB" agent status --state-dir "$S" | holds '^agent: *NOT RUNNING' || fail "agent status still says running after SIGTERM"

expect_records "created file $ROOT/a.txt" "modified file $ROOT/a.txt" \
  "renamed-from file $ROOT/a.txt" "renamed-to file $ROOT/b.txt" \
  "created dir $ROOT/d" "created file $ROOT/d/f" "renamed-from dir $ROOT/d" "renamed-to dir $ROOT/d2" \
  "attrib file $ROOT/b.txt" "created file $ROOT/hard" "attrib file $ROOT/hard" "deleted file $ROOT/b.txt" \
  "created dir $ROOT/e" "deleted dir $ROOT/e" \
  "renamed-from dir $ROOT/t" "renamed-to dir $ROOT/t2" "deleted file $ROOT/t2/a/b/f" "deleted dir $ROOT/t2/a/b" \
  "deleted dir $ROOT/t2/a" "deleted dir $ROOT/t2"
! grep -q "$M/outside" "$W/journal.txt" || fail "a change outside the root reached the journal"
[ "$(grep -c 'rescan-needed\|overflow' "$W/journal.txt")" = 1 ] || { cat "$W/journal.txt" >&2; fail "known operations caused a rescan"; }
pass "known operations became the expected change records"

# --- the recording replays into the same records -----------------------------
"$GB_REPLAY" print "$W/agent.rec" > "$W/printed.txt"
# the journal's first record is the start's rescan, which is no event
tail -n +2 "$W/journal.txt" | cut -d' ' -f2- > "$W/journal-records.txt"
diff "$W/journal-records.txt" "$W/printed.txt" || fail "the recording does not translate into the journal's records"
"$GB_REPLAY" play "$W/agent.rec" --state-dir "$W/replayed" --map "$ROOT=/replayed" > "$W/play.txt"
"$GB" agent journal --state-dir "$W/replayed" > "$W/replayed.txt"
has_record "created file /replayed/a.txt" "$W/replayed.txt" || fail "play --map did not rewrite the paths: $(head "$W/replayed.txt")"
[ "$(wc -l < "$W/replayed.txt")" = "$(wc -l < "$W/printed.txt")" ] || fail "play did not append every record"
pass "the recording prints and plays into the records the journal got"

printf 'GBREC1\n\003\000\000\000zfs\000\000\000\000' > "$W/zfs.rec"
rc=0; "$GB_REPLAY" print "$W/zfs.rec" 2> "$W/err.txt" || rc=$?
[ "$rc" = 2 ] && grep -q "^gridbackup-replay: .*'zfs' dialect" "$W/err.txt" || { cat "$W/err.txt" >&2; fail "an unknown dialect was not refused (exit $rc)"; }
no_crash_in "$W/err.txt"
pass "an unknown dialect is refused: $(cat "$W/err.txt")"

# --- a restart and an overflow ----------------------------------------------
echo 16 > /proc/sys/fs/fanotify/max_queued_events  # applies to the next fanotify group
start_agent 1 --bounded-queue
expect_records "rescan-needed dir $ROOT"
[ "$(grep -cx "[0-9]* rescan-needed dir $ROOT" "$W/journal.txt")" = 2 ] || fail "the second start did not ask for a rescan"
mkdir "$ROOT/storm"
for i in $(seq 1 3000); do : > "$ROOT/storm/f$i"; done
sync_cookie
stop_agent
echo "$OLD_QUEUE" > /proc/sys/fs/fanotify/max_queued_events
expect_records "overflow dir $ROOT"
pass "an event storm over a 16-event queue left an overflow record"

# --- refusals ---------------------------------------------------------------
expect_fail 1 'cannot be watched by fanotify' "$GB" agent run --state-dir "$W/s2" /proc
one_clear_sentence "$W/err.txt" "the filesystem of /proc"
if command -v setpriv > /dev/null; then
  expect_fail 1 'needs CAP_SYS_ADMIN' setpriv --bounding-set=-sys_admin "$GB" agent run --state-dir "$W/s3" "$ROOT"
  one_clear_sentence "$W/err.txt" 'backups fall back to full scans'
else
  echo "SKIPPED (loudly): no setpriv, so the missing-capability sentence is not checked" >&2
fi
expect_fail 2 'cannot watch' "$GB" agent run --state-dir "$W/s4" "$W/no-such-dir"
