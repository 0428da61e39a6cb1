#!/bin/bash
# The running service's control socket (service pause|resume|backup-now|
# upload-now, core/service/control_socket.h) on a real `service run` in the
# foreground. --no-agent with a full scan only every hour and the upload's
# retry a minute away, so each snapshot and upload here after the first is
# one the socket asked for: pause holds uploads (the queue stays, status says
# paused by root) and backup-now still takes a snapshot; upload-now does not
# override a pause; resume drains; pause --for 3s ends by itself; upload-now
# drains a queue a CLI backup left; kill -9 while paused and a restart: still
# paused; another uid is refused, by the socket's mode and, with the mode
# opened to everyone, by the peer-credential check; no service: one sentence.
source "$GB_TESTS/tools/cli_lib.sh"

S=$W/svc
SRC=$W/src
mkdir -p "$SRC"
head -c 200000 /dev/urandom > "$SRC/a"
SERVICE_PID=
cleanup() {
  [ -n "$SERVICE_PID" ] && kill -KILL "$SERVICE_PID" 2> /dev/null
  rm -rf "$W"
}
trap cleanup EXIT
ctl() { "$GB" service "$@" --state-dir "$S"; }
start_service() {
  "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$S" --full-scan-interval 1h --power-supply-root "$W/none" "$SRC" >> "$W/service.log" 2>&1 &
  SERVICE_PID=$!
}
# until_true SECONDS WHAT CMD...: CMD succeeds within SECONDS, or the test fails saying WHAT.
until_true() {
  local seconds=$1 what=$2 i
  shift 2
  for i in $(seq 1 $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  cat "$W/service.log" >&2
  fail "$what within $seconds s"
}
snapshot_count() { gb snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
latest_complete() { gb snapshots --json | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s and s[-1]["complete"] else 1)'; }
has_snapshots() { [ "$(snapshot_count)" -ge "$1" ]; }
log_has() { grep -qE "$1" "$W/service.log"; }
log_count() { grep -cE "$1" "$W/service.log" || true; }
log_more() { [ "$(log_count "$1")" -gt "$2" ]; }
# stays_incomplete SECONDS: the latest snapshot's content is still queued after SECONDS.
stays_incomplete() {
  sleep "$1"
  ! latest_complete || { cat "$W/service.log" >&2; fail "$2"; }
}
shapes() { python3 "$GB_TESTS/tools/json_shapes.py" "$GB_TESTS/../docs/JSON.md" "$@" || fail "a --json output differs from docs/JSON.md"; }

step "no service runs: one sentence, exit 1; a bad --for: exit 2"
expect_fail 1 "no service runs with the state dir $S" "$GB" service pause --state-dir "$S"
one_clear_sentence "$W/err.txt" "no service runs"
expect_fail 2 "for: .5m. is not a duration" "$GB" service pause --for 5m --state-dir "$S"
expect_fail 2 "for goes with service pause" "$GB" service resume --for 2h --state-dir "$S"

step "start: the first snapshot is taken and uploaded; the socket is 0600"
init_repo
start_service
until_true 20 "no first snapshot uploaded" latest_complete
[ "$(stat -c %a "$S/control.sock")" = 600 ] || fail "the control socket is mode $(stat -c %a "$S/control.sock"), not 600"
expect_fail 2 "another service runs with the state dir $S" "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$S" "$SRC"
pass "a second service on the same state dir is refused"

step "pause: uploads wait, the queue stays, status says paused by root; backup-now still snapshots"
ctl pause --json > "$W/pause.json"
shapes "service control=$W/pause.json"
python3 - "$W/pause.json" << 'PY' || fail "pause --json: $(cat "$W/pause.json")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["command"] == "pause" and a["user_pause"]["by"] == "root" and a["user_pause"]["uid"] == 0 and a["user_pause"]["until_ns"] is None, a
PY
ctl status > "$W/status.txt"
holds -x "service: running" < "$W/status.txt" || { cat "$W/status.txt" >&2; fail "status does not say the service runs"; }
holds -F 'user pause: paused by root until `gridbackup service resume` (since' < "$W/status.txt" || { cat "$W/status.txt" >&2; fail "status does not show the user's pause"; }
until_true 3 "the loop did not take up the pause" log_has "uploads paused: paused by root"
ctl status --json > "$W/status.json"
shapes "service status=$W/status.json"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["service_running"] and s["uploads_paused"] and s["paused_for"].startswith("paused by root") and s["user_pause"]["by"] == "root", s' "$W/status.json" ||
  fail "status --json: $(cat "$W/status.json")"
n=$(snapshot_count)
head -c 300000 /dev/urandom > "$SRC/b"
ctl backup-now > "$W/now.txt"
holds -F "the service takes a snapshot now (its upload waits" < "$W/now.txt" || fail "backup-now said: $(cat "$W/now.txt")"
until_true 10 "backup-now made no snapshot" has_snapshots $((n + 1))
stays_incomplete 3 "an upload ran while paused"
pass "snapshot $((n + 1)) taken on request, its content queued while paused"
ctl upload-now > "$W/upnow.txt"
holds -F "upload-now does not override a pause" < "$W/upnow.txt" || fail "upload-now while paused said: $(cat "$W/upnow.txt")"
stays_incomplete 2 "upload-now overrode the user's pause"
pass "upload-now while paused: the pause wins"

step "resume: the queue drains"
ctl resume > "$W/resume.txt"
holds -F "the pause is over" < "$W/resume.txt" || fail "resume said: $(cat "$W/resume.txt")"
until_true 10 "the queue did not drain after resume" latest_complete
pass "drained after resume"

step "pause --for 3s ends by itself"
resumed=$(log_count "uploads resumed")
ctl pause --for 3s --json > "$W/pause3.json"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["user_pause"]; assert p["until_ns"] - p["since_ns"] == 3 * 10**9, p' "$W/pause3.json" ||
  fail "pause --for 3s: $(cat "$W/pause3.json")"
ctl status | holds -E "^user pause: paused by root until [0-9-]+ [0-9:]+ " || fail "status does not show the pause's end"
until_true 8 "the 3 s pause did not end" log_more "uploads resumed" "$resumed"
ctl resume | holds -F "the service was not paused by a user" || fail "resume after the pause's end still found it"
pass "the pause ended after its 3 s"

step "upload-now drains a queue without waiting for the retry interval"
echo "changed $(date +%s%N)" >> "$SRC/a"
gb backup "$SRC" --no-upload --state-dir "$S" --quiet
stays_incomplete 1.5 "the service uploaded without being asked (the test's premise)"
ctl upload-now | holds -xF "the service starts an upload now" || fail "upload-now did not say it starts"
until_true 10 "upload-now did not drain the queue" latest_complete
pass "upload-now drained the queue"

step "kill -9 while paused, restart: still paused"
ctl pause > /dev/null
kill -KILL "$SERVICE_PID"
wait "$SERVICE_PID" 2> /dev/null || true
SERVICE_PID=
expect_fail 1 "no service runs with the state dir" "$GB" service resume --state-dir "$S"
ctl status > "$W/status-killed.txt"
holds "^user pause: paused by root" < "$W/status-killed.txt" || fail "status after kill -9 lost the pause"
holds -x "service: not running (what follows is from its last run)" < "$W/status-killed.txt" || { cat "$W/status-killed.txt" >&2; fail "status after kill -9 does not say the service is not running"; }
start_service
until_true 10 "the restarted service did not start" log_more "started; state dir" 1
n=$(snapshot_count)
head -c 300000 /dev/urandom > "$SRC/c"
ctl backup-now > /dev/null
until_true 10 "backup-now after the restart made no snapshot" has_snapshots $((n + 1))
stays_incomplete 3 "the restarted service uploaded: the pause was lost"
pass "the pause survived kill -9 and a restart"

step "another uid is refused: by the socket's mode, then by its peer credentials"
if ! command -v setpriv > /dev/null || [ "$(id -u)" != 0 ]; then
  skip "another uid's client needs root and setpriv (util-linux)"
fi
mkdir -p "$W/bin"
cp "$GB" "$W/bin/gridbackup"
chmod 0755 "$W/bin" "$W/bin/gridbackup"
chmod 0711 "$W"
nobody() {
  env GRIDBACKUP_CONFIG=/nonexistent GRIDBACKUP_SYSTEM_CONFIG=/nonexistent HOME=/nonexistent \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$W/bin/gridbackup" service resume --state-dir "$S"
}
expect_fail 1 "^gridbackup: user nobody \(uid 65534\) may not control the service of the state dir $S: only root and the user it runs as may$" nobody
one_clear_sentence "$W/err.txt" "may not control"
chmod 0711 "$S"
chmod 0666 "$S/control.sock"
expect_fail 1 "^gridbackup: user nobody \(uid 65534\) may not control this service: only root and the user it runs as \(root\) may$" nobody
one_clear_sentence "$W/err.txt" "may not control this service"
until_true 3 "the service did not log the refusal" log_has "refused a control request from user nobody \(uid 65534\), pid [0-9]+"
chmod 0700 "$W" "$S"
chmod 0600 "$S/control.sock"
ctl status | holds "^user pause: paused by root" || fail "the refused resume ended the pause"
pass "uid 65534 refused by the mode and, through a 0666 socket, by SO_PEERCRED"

step "resume drains; after SIGTERM no service answers"
ctl resume > /dev/null
until_true 10 "the queue did not drain after resume" latest_complete
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" 2> /dev/null || true
SERVICE_PID=
expect_fail 1 "no service runs with the state dir $S" "$GB" service backup-now --state-dir "$S"
pass "control socket: pause, resume, backup-now, upload-now, the refusals"
