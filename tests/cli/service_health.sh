#!/bin/bash
# The service's health, hooks and metrics (issue 15), with the service in
# the foreground on a scratch dir (full scans, --health-interval 1s): OK
# after the first snapshot; the file:// repository moved away -> WARNING
# "repository unreachable" within a few intervals, the --on-warning hook run
# once with GRIDBACKUP_HEALTH and GRIDBACKUP_REASONS (not again while the
# level stays), service status (text and --json) saying so from another
# process; moved back -> OK again, no hook. The metrics file (0644 outside
# the state dir, 0600 inside it) parses as Prometheus text (Prometheus'
# own parser, and HELP/TYPE for every family, each named in README) and
# /metrics over --metrics-listen answers the same. --user: notify-send on
# a change of health; FAILING past twice --stale-after runs --on-failure
# and ends the systemd STATUS= line.
# A grid member down: WARNING naming it (the hook from the config file's
# on-warning key); back, the service runs grid repair by itself (a backup
# while it was down left its objects on four members); the daily verify
# reads slice 1, then 2, of --verify-days. Bad options: one sentence.
source "$GB_TESTS/tools/cli_lib.sh"
PROM() { /usr/bin/python3 "$GB_TESTS/tools/prometheus_text.py" "$@"; }
/usr/bin/python3 -c 'import prometheus_client' 2> /dev/null ||
  skip_untested cli.service_health "the metrics' Prometheus format" "python3-prometheus-client is not installed (scripts/install-deps test)"
README=$GB_TESTS/../README.md

step "bad health options: one sentence, exit 2"
expect_fail 2 "metrics-listen serves this machine only" "$GB" service run --metrics-listen 0.0.0.0:9100 "$W"
one_clear_sentence "$W/err.txt" "metrics-listen"
expect_fail 2 "health-interval wants a duration above zero" "$GB" service run --health-interval 0 "$W"
expect_fail 2 "stale-after: " "$GB" service run --stale-after 3x "$W"
expect_fail 2 "metrics-listen takes HOST:PORT" "$GB" service run --metrics-listen 127.0.0.1:http "$W"

init_repo
mkdir -p "$W/src" "$W/collector"
for i in 1 2 3; do head -c 5000 /dev/urandom > "$W/src/f$i"; done
S=$W/service-state
METRICS=$W/collector/gridbackup.prom
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
# The hook appends one line per run: the level and the reasons (newline-separated, here one),
# and lists the descriptors it was given: none may be a socket (the service's metrics socket).
HOOK='printf "%s|%s\n" "$GRIDBACKUP_HEALTH" "$GRIDBACKUP_REASONS" >> '"$W/hook.txt"'; ls -l /proc/$$/fd > '"$W/hook-fds.txt"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$S" --full-scan-interval 1h --health-interval 1s \
  --power-supply-root "$W/none" --on-warning "$HOOK" --metrics-file "$METRICS" --metrics-listen 127.0.0.1:0 "$W/src" > "$W/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
# until SECONDS CMD...: CMD succeeds within SECONDS (tried every 0.2 s), else the log and a failure.
until_true() {
  local limit=$1 i
  shift
  for i in $(seq 1 $((limit * 5))); do
    "$@" 2> /dev/null && return 0
    kill -0 "$SERVICE_PID" 2> /dev/null || { cat "$W/service.log" >&2; fail "the service exited"; }
    sleep 0.2
  done
  cat "$W/service.log" >&2
  fail "not within $limit s: $*"
}
health_is() {  # health_is LEVEL [REASON-PREFIX]: service status --json says so
  "$GB" service status --state-dir "$S" --json > "$W/status.json" &&
    /usr/bin/python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["health"]
ok = h is not None and h["level"] == sys.argv[2] and (len(sys.argv) < 4 or any(r.startswith(sys.argv[3]) for r in h["reasons"]))
sys.exit(0 if ok else 1)' "$W/status.json" "$@"
}
metrics_show() { [ -f "$METRICS" ] && PROM "$METRICS" "$@" > /dev/null; }

step "OK after the first snapshot, with its content stored"
until_true 20 grep -q 'full-scan snapshot saved' "$W/service.log"
until_true 10 metrics_show --expect 'gridbackup_health{level="ok"}=1' --expect gridbackup_queue_files=0 --expect gridbackup_repository_up=1
health_is OK || { cat "$W/status.json" >&2; fail "service status --json does not say OK"; }
PROM "$METRICS" --documented "$README" --expect 'gridbackup_job_last_exit_code{job="snapshot"}=0' --expect gridbackup_upload_paused=0 > /dev/null ||
  fail "the metrics file is not documented Prometheus text with the snapshot's exit code"
holds -E '^gridbackup_last_complete_snapshot_timestamp_seconds [0-9]+\.[0-9]{3}$' < "$METRICS" ||
  { cat "$METRICS" >&2; fail "no complete snapshot's time in the metrics"; }
[ "$(stat -c %a "$METRICS")" = 644 ] || fail "the metrics file outside the state dir is $(stat -c %a "$METRICS"), not 644"
[ ! -e "$METRICS.tmp" ] || fail "the metrics file's temporary copy was left"
pass "health OK, the metrics parse as Prometheus text, every family documented in README"

step "/metrics over --metrics-listen answers what the file says"
PORT=$(sed -n 's|.*metrics at http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' "$W/service.log")
[ -n "$PORT" ] || { cat "$W/service.log" >&2; fail "the service does not say where it serves the metrics"; }
same_as_file() {  # the served text, read between two reads of the file (an evaluation may land between)
  local before after
  before=$(PROM "$METRICS" --print-json)
  /usr/bin/python3 -c '
import sys, urllib.request
r = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5)
assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers["Content-Type"]
sys.stdout.write(r.read().decode())' "$PORT" > "$W/served.prom"
  after=$(PROM "$METRICS" --print-json)
  served=$(PROM "$W/served.prom" --print-json)
  [ "$served" = "$before" ] || [ "$served" = "$after" ]
}
until_true 5 same_as_file
pass "GET /metrics on 127.0.0.1:$PORT equals the metrics file"

step "the repository moved away: WARNING 'repository unreachable' within a few intervals, the hook run once"
mv "$REPO" "$REPO.away"
MOVED=$SECONDS
until_true 10 health_is WARNING "repository unreachable"
echo "WARNING after $((SECONDS - MOVED)) s"
until_true 5 test -s "$W/hook.txt"
holds -E '^WARNING\|repository unreachable: ' < "$W/hook.txt" || { cat "$W/hook.txt" >&2; fail "the hook did not get the level and reason"; }
until_true 5 test -s "$W/hook-fds.txt"
! grep -q 'socket:' "$W/hook-fds.txt" || { cat "$W/hook-fds.txt" >&2; fail "the hook inherited a socket of the service"; }
until_true 5 metrics_show --expect 'gridbackup_health{level="warning"}=1' --expect gridbackup_repository_up=0 --expect gridbackup_health_reasons=1
"$GB" service status --state-dir "$S" > "$W/status.txt"
holds -E '^health: WARNING since [0-9-]+T[0-9:]+Z' < "$W/status.txt" || { cat "$W/status.txt" >&2; fail "service status does not show the WARNING"; }
holds -E '^  repository unreachable: ' < "$W/status.txt" || { cat "$W/status.txt" >&2; fail "service status does not show the reason"; }
holds -F 'health WARNING: repository unreachable' < "$W/service.log" || fail "the log does not say the health changed"
sleep 3  # three more evaluations at WARNING
[ "$(wc -l < "$W/hook.txt")" = 1 ] || { cat "$W/hook.txt" >&2; fail "the hook ran again while the level stayed WARNING"; }
pass "WARNING with its reason in status, metrics and the log; the on-warning hook ran once"

step "the repository back: OK again, no hook"
mv "$REPO.away" "$REPO"
until_true 10 health_is OK
until_true 5 metrics_show --expect 'gridbackup_health{level="ok"}=1' --expect gridbackup_repository_up=1 --expect gridbackup_health_reasons=0
holds -F 'health OK again' < "$W/service.log" || fail "the log does not say OK again"
[ "$(wc -l < "$W/hook.txt")" = 1 ] || { cat "$W/hook.txt" >&2; fail "a hook ran on the way back to OK"; }
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" 2> /dev/null || true
pass "OK again after the repository came back"

step "--user: notify-send on each change of health; --stale-after 1s: FAILING after 2 s, the on-failure hook; the metrics file in the state dir is 0600"
mkdir -p "$W/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >> %s\n' "$W/notified.txt" > "$W/bin/notify-send"
chmod +x "$W/bin/notify-send"
S2=$W/user-state
# A stand-in NOTIFY_SOCKET (as cli.service_notify): the STATUS= line carries the health.
/usr/bin/python3 "$GB_TESTS/tools/notify_socket.py" "$W/notify.sock" "$W/notify.log" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -S "$W/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$W/notify.sock PATH="$W/bin:$PATH" "$GB" --cap-file "$CAP" --repo "file://$W/nowhere" service run --user --no-agent --state-dir "$S2" \
  --full-scan-interval 1h --health-interval 1s --stale-after 1s --on-failure "echo \$GRIDBACKUP_HEALTH > $W/failed.txt" \
  --power-supply-root "$W/none" "$W/src" > "$W/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
until_true 10 test -s "$W/notified.txt"
holds -Fx 'GridBackup: WARNING' < "$W/notified.txt" || { cat "$W/notified.txt" >&2; fail "notify-send was not told the WARNING"; }
holds -E '^repository unreachable: there is no GridBackup repository' < "$W/notified.txt" || { cat "$W/notified.txt" >&2; fail "no reason in the notification"; }
until_true 10 test -s "$W/failed.txt"
[ "$(cat "$W/failed.txt")" = FAILING ] || fail "the on-failure hook got '$(cat "$W/failed.txt")', not FAILING"
until_true 5 grep -qxF 'GridBackup: FAILING' "$W/notified.txt"
holds -E '^no complete snapshot in the [0-9]+ seconds since the service first ran$' < "$W/notified.txt" ||
  { cat "$W/notified.txt" >&2; fail "the FAILING notification lacks its reason"; }
until_true 5 grep -qE '^STATUS=.*, health FAILING: no complete snapshot in the [0-9]+ seconds since the service first ran; repository unreachable: ' "$W/notify.log"
until_true 5 test -f "$S2/metrics.prom"
[ "$(stat -c %a "$S2/metrics.prom")" = 600 ] || fail "the metrics file in the state dir is $(stat -c %a "$S2/metrics.prom"), not 600"
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" 2> /dev/null || true
pass "notify-send told of the WARNING, then the FAILING, which ran the on-failure hook and is in STATUS=; the state dir's metrics file is private"

step "a grid member down: WARNING naming it, the members in the metrics; back: OK"
rm -f "$CAP"
source "$GB_TESTS/tools/grid_lib.sh"
init_grid
S3=$W/grid-state
METRICS=$S3/metrics.prom
# This time the hook comes from the config file's on-warning key.
printf 'on-warning = "echo $GRIDBACKUP_HEALTH from the config file > %s"\n' "$W/config-hook.txt" > "$GRIDBACKUP_CONFIG"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$S3" --full-scan-interval 1h --health-interval 1s \
  --verify-interval 2s --verify-days 3 --power-supply-root "$W/none" "$W/src" > "$W/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
S=$S3
until_true 20 grep -q 'full-scan snapshot saved' "$W/service.log"
until_true 10 metrics_show --expect 'gridbackup_health{level="ok"}=1' --expect gridbackup_grid_members=5 --expect gridbackup_grid_members_up=5
take_down 4
until_true 10 health_is WARNING "grid members down: m4"
until_true 5 metrics_show --expect 'gridbackup_health{level="warning"}=1' --expect gridbackup_grid_members_up=4 --expect gridbackup_repository_up=1
until_true 5 grep -qx 'WARNING from the config file' "$W/config-hook.txt"
# A backup while m4 is down stores its objects on four members only.
echo "stored while m4 was down" > "$W/src/while-m4-down"
"$GB" --cap-file "$CAP" backup --state-dir "$S3" "$W/src" --quiet --no-progress
bring_back 4
until_true 10 health_is OK
pass "member m4 down: WARNING 'grid members down: m4', 4 of 5 up in the metrics, the config file's on-warning hook run; back: OK"
until_true 30 grep -q 'grid repair done' "$W/service.log"
holds 'grid member m4 answers again: grid repair' < "$W/service.log" || { cat "$W/service.log"; fail "the repair does not say why it runs"; }
check_spread "after the service's grid repair"
pass "m4 back: the service ran grid repair by itself, and every object has its 5 shares again"
# The daily verify reads the next slice of the packs each run (here 3 slices, every 2 s).
until_true 20 grep -q 'verify read slice 2 of 3' "$W/service.log"
holds 'verify read slice 1 of 3' < "$W/service.log" || fail "the first verify did not read slice 1"
pass "the service's verify reads slice 1 of 3 of the packs, then slice 2"
