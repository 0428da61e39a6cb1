#!/bin/bash
# The always-on service (gridbackup service run) end to end, on an ext4
# image of its own with the change-journal agent it starts: a snapshot
# after a change with no command typed and none without one (unless
# `service backup-now` asks: then one with the journal empty); uploads pause
# on a faked battery (a power-supply tree of plain files) and resume on AC;
# kill -9 and a restart resumes the schedule (no snapshot made again for
# nothing, changes still taken); a CLI backup beside the running service;
# SIGTERM to the service stops the agent it started (also one it found
# still running after its own kill -9); a bad upload-limit entry is one
# sentence; cache directories (CACHEDIR.TAG) are left out by default and
# kept with --no-exclude-caches.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/scratch_fs_lib.sh"

step "a bad upload-limit entry: one sentence, exit 2"
expect_fail 2 "upload-limit entry 'Mon-Fry 08:00-23:00 = 1MiB/s': 'Mon-Fry' is not a day" \
  "$GB" service run --upload-limit "* = unlimited" --upload-limit "Mon-Fry 08:00-23:00 = 1MiB/s" "$W"
one_clear_sentence "$W/err.txt" "is not a day"
expect_fail 2 "'fast' is not a rate" "$GB" service run --upload-limit "* = fast" "$W"
expect_fail 2 "service run needs at least one ROOT" "$GB" service run

step "without a journal (--no-agent): a full-scan snapshot every --full-scan-interval"
init_repo
mkdir -p "$W/plain"
echo one > "$W/plain/a"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/plain-state" --full-scan-interval 2s --power-supply-root "$W/none" "$W/plain" > "$W/plain.log" 2>&1 &
PLAIN_PID=$!
for i in $(seq 1 50); do [ "$(grep -c 'full-scan snapshot saved' "$W/plain.log")" -ge 2 ] && break; sleep 0.2; done
kill -TERM "$PLAIN_PID"; wait "$PLAIN_PID" 2>/dev/null || true
[ "$(grep -c 'full-scan snapshot saved' "$W/plain.log")" -ge 2 ] || { cat "$W/plain.log" >&2; fail "no two full-scan snapshots within 10 s"; }
grep -q "agent" "$W/plain.log" && { cat "$W/plain.log" >&2; fail "--no-agent started an agent"; }
pass "full scans on their interval without an agent"
# The whole-machine default: a cache directory (CACHEDIR.TAG) keeps its tag
# and loses its contents; --no-exclude-caches backs them up.
mkdir -p "$W/plain/.cache/app"
printf 'Signature: 8a477f597d28d172789f06886806bc55\n' > "$W/plain/.cache/CACHEDIR.TAG"
echo cached > "$W/plain/.cache/app/blob"
cache_run() {  # cache_run LOG [OPTION]: the service until its first snapshot
  "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/cache-state-$1" --full-scan-interval 1h --power-supply-root "$W/none" ${2:+"$2"} "$W/plain" > "$W/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do grep -q 'full-scan snapshot saved' "$W/$1.log" && break; sleep 0.1; done
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  grep -q 'full-scan snapshot saved' "$W/$1.log" || { cat "$W/$1.log" >&2; fail "no snapshot within 5 s"; }
  gb ls latest --state-dir "$W/cache-state-$1" > "$W/$1.ls"
}
cache_run cache-default
holds -F "$W/plain/.cache/CACHEDIR.TAG" < "$W/cache-default.ls" || { cat "$W/cache-default.ls" >&2; fail "the cache dir's tag was left out"; }
! holds -F "$W/plain/.cache/app" < "$W/cache-default.ls" || { cat "$W/cache-default.ls" >&2; fail "service run backed up a cache directory's contents by default"; }
cache_run cache-kept --no-exclude-caches
holds -F "$W/plain/.cache/app/blob" < "$W/cache-kept.ls" || { cat "$W/cache-kept.ls" >&2; fail "--no-exclude-caches left the cache's contents out"; }
pass "service run leaves cache directories' contents out; --no-exclude-caches keeps them"
rm -rf "$REPO" "$CAP"

[ "$(id -u)" = 0 ] || skip "the service test runs the fanotify agent: it needs root (CAP_SYS_ADMIN, loop mounts)"
M=$W/mnt
ROOT=$M/root
S=$W/service-state
POWER=$W/power
GROUPS_STARTED=()
cleanup() {
  local g
  for g in "${GROUPS_STARTED[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  sleep 0.5
  umount_scratch
  rm -rf "$W"
}
trap cleanup EXIT
mount_scratch_ext4 "$M" 64
mkdir -p "$ROOT/docs" "$POWER/AC" "$POWER/BAT0"
echo Mains > "$POWER/AC/type"
echo 1 > "$POWER/AC/online"
echo Battery > "$POWER/BAT0/type"
echo Charging > "$POWER/BAT0/status"
for i in 1 2 3; do head -c 20000 /dev/urandom > "$ROOT/docs/f$i"; done
init_repo

# The service and the agent it starts run in a session of their own, so
# the cleanup ends both (and an agent left by a killed service) by group.
SERVICE_PID=
start_service() {
  setsid "$GB" --cap-file "$CAP" service run --state-dir "$S" --snapshot-interval 2s --power-supply-root "$POWER" "$ROOT" >> "$W/service.log" 2>&1 &
  SERVICE_PID=$!
  GROUPS_STARTED+=("$SERVICE_PID")
}
snapshot_count() { gb snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# wait_for PATTERN SECONDS: the service's log shows PATTERN within SECONDS.
wait_for() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    grep -qE "$1" "$W/service.log" && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$W/service.log" >&2; fail "the service exited"; }
    sleep 0.1
  done
  cat "$W/service.log" >&2
  fail "the service's log does not show /$1/ within $2 s"
}
wait_snapshots() {
  local want=$1 i
  for i in $(seq 1 $(($2 * 5))); do
    [ "$(snapshot_count)" -ge "$want" ] && return 0
    sleep 0.2
  done
  cat "$W/service.log" >&2
  fail "no snapshot $want within $2 s (have $(snapshot_count))"
}

step "start: the agent is started and a first snapshot is made"
start_service
wait_for "change-journal agent started" 15
wait_snapshots 1 20
pass "first snapshot with no command typed"

step "no change, no snapshot"
sleep 1
n=$(snapshot_count)
sleep 6
[ "$(snapshot_count)" = "$n" ] || { cat "$W/service.log" >&2; fail "the service made a snapshot with nothing changed"; }
pass "3 intervals without a change made no snapshot"
# With nothing in the journal, a snapshot asked for over the control socket
# is still taken (tests/cli/service_control.sh tests the socket's other commands).
"$GB" service backup-now --state-dir "$S" > /dev/null
wait_snapshots $((n + 1)) 5
n=$((n + 1))
pass "service backup-now with an empty journal: snapshot $n"

step "a change appears in a new snapshot within two intervals"
echo "changed $(date +%s%N)" > "$ROOT/docs/f2"
wait_snapshots $((n + 1)) 6
gb restore latest --target "$W/r1" --quiet
cmp "$ROOT/docs/f2" "$W/r1$ROOT/docs/f2" || fail "the new snapshot lacks the change"
pass "the change is in snapshot $((n + 1)), byte-exact"

step "uploads pause on battery and resume on AC"
echo 0 > "$POWER/AC/online"
echo Discharging > "$POWER/BAT0/status"
wait_for "uploads paused: on battery \(BAT0 discharging\)" 5
n=$(snapshot_count)
head -c 300000 /dev/urandom > "$ROOT/docs/on-battery"
wait_snapshots $((n + 1)) 8
sleep 2
gb snapshots --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[-1]; sys.exit(0 if not s["complete"] else 1)' ||
  { gb snapshots --json >&2; fail "the snapshot taken on battery was uploaded"; }
pass "the snapshot taken on battery waits in the queue"
"$GB" service status --state-dir "$S" > "$W/status.txt"
grep -qxF "uploads: paused: on battery (BAT0 discharging)" "$W/status.txt" || { cat "$W/status.txt" >&2; fail "service status does not say why uploads wait"; }
grep -qE "^snapshot: [0-9]+s ago, ok$" "$W/status.txt" || { cat "$W/status.txt" >&2; fail "service status lacks the last snapshot"; }
grep -qx "agent: running" "$W/status.txt" || { cat "$W/status.txt" >&2; fail "service status does not see the agent"; }
pass "service status says uploads are paused on battery"
echo 1 > "$POWER/AC/online"
wait_for "uploads resumed" 5
for i in $(seq 1 50); do
  gb snapshots --json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[-1]["complete"] else 1)' && break
  sleep 0.2
done
gb snapshots --json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[-1]["complete"] else 1)' ||
  { cat "$W/service.log" >&2; fail "the queue was not drained on AC"; }
pass "on AC the queue drains: the snapshot is complete"

step "a CLI backup beside the running service"
gb backup --state-dir "$S" "$ROOT" --quiet || fail "a CLI backup failed while the service runs"
pass "CLI backup while the service runs"

step "kill -9 and restart: the schedule resumes"
sleep 3  # let the service see the CLI's cookie and settle
kill -9 "$SERVICE_PID"
wait "$SERVICE_PID" 2>/dev/null || true
n=$(snapshot_count)
start_service
wait_for "started; state dir" 5
sleep 5
[ "$(snapshot_count)" = "$n" ] || { cat "$W/service.log" >&2; fail "the restarted service made a snapshot with nothing changed"; }
echo "after restart" > "$ROOT/docs/f3"
wait_snapshots $((n + 1)) 6
gb restore latest --target "$W/r2" --quiet
cmp "$ROOT/docs/f3" "$W/r2$ROOT/docs/f3" || fail "the snapshot after the restart lacks the change"
pass "restart after kill -9: no snapshot for nothing, the next change taken"

step "SIGTERM to the service stops the agent (started before its kill -9)"
"$GB" service status --state-dir "$S" | holds -x "agent: running" || fail "no agent runs before the SIGTERM"
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" 2>/dev/null || true
for i in $(seq 1 100); do
  "$GB" service status --state-dir "$S" | holds -x "agent: not running" && break
  sleep 0.1
done
"$GB" service status --state-dir "$S" | holds -x "agent: not running" || { cat "$W/service.log" >&2; fail "the agent still runs after SIGTERM to the service"; }
pass "the agent stopped with the service"
no_crash_in "$W/service.log" "the service"
