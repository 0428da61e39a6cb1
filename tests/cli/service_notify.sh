#!/bin/bash
# The service under systemd's notify protocol, without systemd: a python3
# unix datagram socket stands in as NOTIFY_SOCKET. `service run` sends
# READY=1 once it runs, a one-line STATUS= that follows what it does (the
# last snapshot, the queue), WATCHDOG=1 pings at the WATCHDOG_USEC it is
# given, and STOPPING=1 on SIGTERM. Without NOTIFY_SOCKET nothing is sent.
# Under JOURNAL_STREAM its log lines carry <N> syslog priorities.
source "$GB_TESTS/tools/cli_lib.sh"
command -v python3 > /dev/null || skip "python3 is needed for the notify socket"
init_repo
mkdir -p "$W/root"
echo one > "$W/root/a"
SOCK=$W/notify.sock
LOG=$W/notify.log
python3 "$GB_TESTS/tools/notify_socket.py" "$SOCK" "$LOG" &
LISTENER=$!
SERVICE=
trap 'kill "$LISTENER" ${SERVICE:+"$SERVICE"} 2>/dev/null || true; rm -rf "$W"' EXIT
for i in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "the stand-in notify socket did not appear"

step "READY=1, STATUS= and WATCHDOG=1 arrive"
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=300000 "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/s" --full-scan-interval 1h \
  --power-supply-root "$W/none" "$W/root" > "$W/service.log" 2>&1 &
SERVICE=$!
# The first snapshot, then a STATUS= that names it and the (drained) queue.
for i in $(seq 1 100); do grep -qE '^STATUS=last snapshot under a minute ago, nothing queued$' "$LOG" && break; sleep 0.1; done
sleep 1
grep -qx 'READY=1' "$LOG" || { cat "$LOG" "$W/service.log" >&2; fail "no READY=1"; }
grep -qE '^STATUS=' "$LOG" || { cat "$LOG" >&2; fail "no STATUS= line"; }
grep -qE '^STATUS=last snapshot under a minute ago, nothing queued$' "$LOG" ||
  { cat "$LOG" "$W/service.log" >&2; fail "STATUS= does not say the last snapshot and the queue"; }
# READY=1 comes before the first snapshot is taken (it may take hours).
awk '/^READY=1$/{r=NR} /^STATUS=last snapshot/{if(!s)s=NR} END{exit !(r && s && r < s)}' "$LOG" ||
  { cat "$LOG" >&2; fail "READY=1 did not come before the first snapshot's STATUS="; }
before=$(grep -cx 'WATCHDOG=1' "$LOG")
sleep 2
pings=$(($(grep -cx 'WATCHDOG=1' "$LOG") - before))
# Every 100 ms for 0.3 s intervals: 20 in 2 s; 6 (one an interval) is what
# systemd needs, on a loaded machine too.
[ "$pings" -ge 6 ] || { cat "$LOG" >&2; fail "only $pings WATCHDOG=1 pings in 2 s (WATCHDOG_USEC=300000)"; }
pass "READY=1, $(grep -m1 -E '^STATUS=last' "$LOG"), $pings watchdog pings in 2 s"

step "SIGTERM: STOPPING=1"
kill -TERM "$SERVICE"
wait "$SERVICE" 2>/dev/null || true
SERVICE=
grep -qx 'STOPPING=1' "$LOG" || { cat "$LOG" >&2; fail "no STOPPING=1 at SIGTERM"; }
pass "STOPPING=1 sent"

grep -qE '^gridbackup service: started; state dir' "$W/service.log" || { cat "$W/service.log" >&2; fail "a log line without JOURNAL_STREAM is not plain"; }

step "no WATCHDOG_USEC: no pings; no NOTIFY_SOCKET: nothing sent"
: > "$LOG"
# JOURNAL_STREAM (systemd's journal reads stdout): log lines carry <N> priorities.
NOTIFY_SOCKET=$SOCK JOURNAL_STREAM=8:12345 "$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/s" --full-scan-interval 1h \
  --power-supply-root "$W/none" "$W/root" > "$W/journal.log" 2>&1 &
SERVICE=$!
for i in $(seq 1 50); do grep -qx 'READY=1' "$LOG" && break; sleep 0.1; done
sleep 1
kill -TERM "$SERVICE"; wait "$SERVICE" 2>/dev/null || true
grep -qx 'READY=1' "$LOG" || { cat "$LOG" >&2; fail "no READY=1 the second time"; }
grep -qx 'WATCHDOG=1' "$LOG" && { cat "$LOG" >&2; fail "WATCHDOG=1 sent without WATCHDOG_USEC"; }
grep -qE '^<6>gridbackup service: started; state dir' "$W/journal.log" || { cat "$W/journal.log" >&2; fail "no <6> priority under JOURNAL_STREAM"; }
: > "$LOG"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/s" --full-scan-interval 1h --power-supply-root "$W/none" "$W/root" >> "$W/service.log" 2>&1 &
SERVICE=$!
sleep 1
kill -TERM "$SERVICE"; wait "$SERVICE" 2>/dev/null || true
SERVICE=
[ -s "$LOG" ] && { cat "$LOG" >&2; fail "a message without NOTIFY_SOCKET"; }
pass "watchdog only with WATCHDOG_USEC, nothing without NOTIFY_SOCKET; <N> priorities under JOURNAL_STREAM"
no_crash_in "$W/service.log" "the service"
