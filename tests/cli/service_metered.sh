#!/bin/bash
# The service holds uploads back on a metered connection: a private D-Bus
# bus (Debian's dbus-daemon, a config allowing everything on a unix socket
# here) with a stand-in NetworkManager (tests/tools/fake_networkmanager.py,
# python3-dbus) that says Metered = 1 (yes): the snapshot is taken, its
# upload waits and status says why; flipped to 2 (no, a PropertiesChanged
# signal) the queue drains. --metered no uploads although it is metered;
# --metered yes (also `metered = "yes"` in the config file) pauses with no
# NetworkManager at all; NetworkManager not on the bus, or no bus at all,
# means not metered and not a word about it. A bad value: one sentence.
# No root needed: the service runs with --no-agent (full scans).
source "$GB_TESTS/tools/cli_lib.sh"

command -v dbus-daemon > /dev/null || skip "no dbus-daemon (Debian: dbus-daemon; scripts/install-deps test)"
/usr/bin/python3 -c 'import dbus, gi.repository.GLib' 2> /dev/null || skip "no python3-dbus or python3-gi (scripts/install-deps test)"

step "a bad --metered value, and one in the config file: one sentence, exit 2"
expect_fail 2 "metered wants auto, yes or no, not 'maybe'" "$GB" service run --metered maybe "$W"
one_clear_sentence "$W/err.txt" "not 'maybe'"
echo 'metered = "sometimes"' > "$GRIDBACKUP_CONFIG"
expect_fail 2 "'metered': wants auto, yes or no, not 'sometimes'" "$GB" service run "$W"
rm "$GRIDBACKUP_CONFIG"

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT

step "a private system bus and a NetworkManager on it saying metered (1)"
cat > "$W/bus.conf" << EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$W/bus.socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$W/bus.conf" --nofork --print-address=1 > "$W/bus.address" 2> "$W/bus.err" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -s "$W/bus.address" ] && break; sleep 0.1; done
[ -s "$W/bus.address" ] || { cat "$W/bus.err" >&2; fail "dbus-daemon printed no address within 5 s"; }
BUS=$(head -1 "$W/bus.address")
echo 1 > "$W/metered"
/usr/bin/python3 "$GB_TESTS/tools/fake_networkmanager.py" "$BUS" "$W/metered" "$W/nm.ready" 2> "$W/nm.err" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -e "$W/nm.ready" ] && break; sleep 0.1; done
[ -e "$W/nm.ready" ] || { cat "$W/nm.err" >&2; fail "the stand-in NetworkManager did not take its name within 5 s"; }
pass "bus at $BUS, NetworkManager's Metered = 1"

init_repo
mkdir -p "$W/root"
for i in 1 2 3; do head -c 100000 /dev/urandom > "$W/root/f$i"; done

# run_service NAME [OPTION...]: the service on its own state dir and log
# ($W/NAME.log, $W/NAME-state), on the private bus unless the caller's
# environment says otherwise.
SERVICE_PID=
run_service() {
  local name=$1
  shift
  "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/$name-state" --full-scan-interval 1h --power-supply-root "$W/none" "$@" "$W/root" > "$W/$name.log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
  LOG=$W/$name.log
}
stop_service() {
  kill -TERM "$SERVICE_PID"
  wait "$SERVICE_PID" 2> /dev/null || true
  no_crash_in "$LOG" "the service"
}
# wait_for PATTERN SECONDS: the service's log shows PATTERN within SECONDS.
wait_for() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    grep -qE "$1" "$LOG" && return 0
    kill -0 "$SERVICE_PID" 2> /dev/null || { cat "$LOG" >&2; fail "the service exited"; }
    sleep 0.1
  done
  cat "$LOG" >&2
  fail "the service's log does not show /$1/ within $2 s"
}
latest_complete() { gb snapshots --json | /usr/bin/python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[-1]["complete"] else 1)'; }
queued_files() { gb status --state-dir "$1" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["queued_files"])'; }

step "metered: the snapshot is taken, its upload waits, status says why"
export DBUS_SYSTEM_BUS_ADDRESS=$BUS
run_service auto
wait_for "uploads paused: the connection is metered \(NetworkManager\)" 10
wait_for "full-scan snapshot saved" 20
sleep 2
! latest_complete || { cat "$LOG" >&2; fail "the snapshot was uploaded on a metered connection"; }
[ "$(queued_files "$W/auto-state")" -ge 3 ] || { gb status --state-dir "$W/auto-state" >&2; fail "the queue does not hold the snapshot's files"; }
"$GB" service status --state-dir "$W/auto-state" | holds -xF "uploads: paused: the connection is metered (NetworkManager)" ||
  fail "service status does not say the connection is metered"
"$GB" service status --state-dir "$W/auto-state" --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["uploads_paused"] and s["paused_for"] == "the connection is metered (NetworkManager)" else 1)' ||
  fail "service status --json does not say the connection is metered"
pass "uploads paused on the metered connection; the queue holds the files"

step "NetworkManager says not metered (2): the queue drains"
echo 2 > "$W/metered"
wait_for "uploads resumed" 5
for _ in $(seq 1 50); do latest_complete && break; sleep 0.2; done
latest_complete || { cat "$LOG" >&2; fail "the queue was not drained once the connection was not metered"; }
[ "$(queued_files "$W/auto-state")" = 0 ] || fail "files are still queued"
pass "the snapshot is complete, the queue empty"

step "guess-yes (3) pauses again; guess-no (4) resumes"
echo 3 > "$W/metered"
wait_for "uploads paused: the connection is metered \(NetworkManager guesses so\)" 5
echo 4 > "$W/metered"
[ "$(grep -c "uploads resumed" "$LOG")" = 1 ] || fail "resumed before guess-no"
for _ in $(seq 1 50); do [ "$(grep -c "uploads resumed" "$LOG")" = 2 ] && break; sleep 0.1; done
[ "$(grep -c "uploads resumed" "$LOG")" = 2 ] || { cat "$LOG" >&2; fail "guess-no did not resume the uploads"; }
stop_service
pass "NMMetered 3 pauses, 4 does not"

step "--metered no: uploads go on although NetworkManager says metered"
echo 1 > "$W/metered"
echo more > "$W/root/f4"
run_service never --metered no
wait_for "full-scan snapshot saved" 20
for _ in $(seq 1 50); do latest_complete && break; sleep 0.2; done
latest_complete || { cat "$LOG" >&2; fail "--metered no held the upload back"; }
! grep -q "paused" "$LOG" || { cat "$LOG" >&2; fail "--metered no paused"; }
stop_service
pass "--metered no uploads on a metered connection"

step "NetworkManager not on the bus, or no bus at all: not metered, nothing said"
kill -TERM "${PIDS[1]}"
wait "${PIDS[1]}" 2> /dev/null || true
for bus in "$BUS" "unix:path=$W/no-such-bus"; do
  echo "changed for $bus" > "$W/root/f4"
  DBUS_SYSTEM_BUS_ADDRESS=$bus run_service "absent-$RANDOM"
  wait_for "full-scan snapshot saved" 20
  for _ in $(seq 1 50); do latest_complete && break; sleep 0.2; done
  latest_complete || { cat "$LOG" >&2; fail "the upload waited without NetworkManager ($bus)"; }
  ! grep -qiE "paused|metered|NetworkManager|D-Bus" "$LOG" || { cat "$LOG" >&2; fail "the service spoke of metering without NetworkManager ($bus)"; }
  stop_service
done
pass "no NetworkManager and no bus: uploads run, no message"

step "--metered yes, and metered = \"yes\" in the config file: paused with no NetworkManager"
echo "changed again" > "$W/root/f4"
run_service always --metered yes
wait_for "uploads paused: the connection is metered \(metered = yes\)" 10
stop_service
echo 'metered = "yes"' > "$GRIDBACKUP_CONFIG"
run_service from-config
wait_for "uploads paused: the connection is metered \(metered = yes\)" 10
wait_for "full-scan snapshot saved" 20
sleep 1
! latest_complete || { cat "$LOG" >&2; fail "metered = yes in the config file uploaded"; }
stop_service
rm "$GRIDBACKUP_CONFIG"
pass "--metered yes and the config key pause the uploads"
