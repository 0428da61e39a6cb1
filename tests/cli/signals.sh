# A command ended by a signal releases its lock: SIGINT/SIGTERM/SIGHUP print
# one line and exit 128+signal; `ls latest | head -1` (SIGPIPE) ends quietly
# with its lock gone; what is stored stays consistent. `unlock` removes the
# lock of a dead process and keeps a live one's.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
SRC=$W/src
mkdir -p "$SRC/many"
head -c 1500000 /dev/urandom > "$SRC/big"
for i in $(seq 1 3000); do echo "$i" > "$SRC/many/f$i"; done
locks() { ls "$REPO/locks" 2>/dev/null | wc -l; }
# wait_lock: until a lock object exists (the command is at work).
wait_lock() { for _ in $(seq 1 200); do [ "$(locks)" -ge "${1:-1}" ] && return 0; sleep 0.05; done; fail "no lock appeared"; }

# SIGINT and SIGTERM during a slow upload (backup, then upload).
run_and_signal() {  # SIGNAL CODE CMD...
  local sig=$1 code=$2; shift 2
  # A background job of a script starts with SIGINT ignored (and an ignored
  # signal stays ignored, as it should): restore the default first.
  /usr/bin/python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
    "$GB" --cap-file "$CAP" "$@" > "$W/sig.out" 2> "$W/sig.err" & local pid=$!
  wait_lock; sleep 0.5
  kill -"$sig" "$pid"
  local rc=0; wait "$pid" || rc=$?
  [ "$rc" = "$code" ] || { cat "$W/sig.err" >&2; fail "$* ended by SIG$sig exited $rc, not $code"; }
  grep -q "^gridbackup: interrupted; lock released$" "$W/sig.err" || { cat "$W/sig.err" >&2; fail "no 'interrupted; lock released' line after SIG$sig"; }
  [ "$(locks)" = 0 ] || { ls -l "$REPO/locks"; fail "SIG$sig left a lock: $*"; }
  pass "SIG$sig: exit $code, lock released ($1 $2)"
}
run_and_signal INT 130 backup "$SRC" --limit-upload 20 --no-progress
gb backup "$SRC" --no-upload --quiet --force
run_and_signal TERM 143 upload --limit-upload 20 --no-progress
run_and_signal HUP 129 upload --limit-upload 20 --no-progress
gb upload --quiet
gb verify --read-data --quiet || fail "the repository is not consistent after the signals"
gb restore latest --target "$W/r" --quiet
compare "$SRC" "$W/r$SRC" || fail "restore after interrupted uploads differs"

# SIGPIPE: the reader of ls/find goes away after one line.
set +o pipefail
line=$(gb ls latest | head -1)
[ -n "$line" ] || fail "ls latest | head -1 printed nothing"
gb find 'f*' | head -1 > /dev/null
set -o pipefail
set +e
gb ls latest 2> "$W/pipe.err" | head -1 > /dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 141 ] || { cat "$W/pipe.err" >&2; fail "ls latest | head exited $rc, not 141"; }
[ -z "$(beyond_opened "$W/pipe.err")" ] || { cat "$W/pipe.err" >&2; fail "ls latest | head printed on stderr"; }
[ "$(locks)" = 0 ] || { ls -l "$REPO/locks"; fail "ls latest | head left a lock"; }
pass "ls latest | head -1: exit 141, silent, lock released"

# unlock: a dead process's lock goes, a live one's stays.
head -c 1500000 /dev/urandom > "$SRC/big2"
gb backup "$SRC" --no-upload --quiet
"$GB" --cap-file "$CAP" upload --limit-upload 20 --no-progress > /dev/null 2>&1 & dead=$!
wait_lock; kill -9 "$dead"; wait "$dead" || true
[ "$(locks)" = 1 ] || fail "kill -9 should leave its lock"
dead_lock=$(ls "$REPO/locks")
"$GB" --cap-file "$CAP" upload --limit-upload 20 --no-progress > /dev/null 2>&1 & live=$!
wait_lock 2
gb unlock > "$W/unlock.out" || fail "unlock failed"
grep -q "removed locks/$dead_lock (upload, host .*, pid $dead, .*): its process is gone" "$W/unlock.out" || { cat "$W/unlock.out"; fail "unlock did not say what it removed"; }
[ "$(locks)" = 1 ] && [ ! -e "$REPO/locks/$dead_lock" ] || { ls "$REPO/locks"; fail "unlock removed the live lock or kept the dead one"; }
grep -q "1 locks removed, 1 kept" "$W/unlock.out" || { cat "$W/unlock.out"; fail "unlock summary"; }
kill -TERM "$live"; wait "$live" || true
[ "$(locks)" = 0 ] || fail "the live upload left its lock"
pass "unlock removes a dead process's lock and keeps a live one"
