# Local state is private (issue 20): with umask 000, every directory under
# the state dir is 0700 and every file 0600 after init, backup, upload, a
# journal-driven backup (view caches) and an agent import; a state dir and
# files left open to others are tightened with one line.
source "$GB_TESTS/tools/cli_lib.sh"
umask 000
SRC=$W/src
mkdir -p "$SRC/a/b"
for i in 1 2 3; do head -c $((i * 5000)) /dev/urandom > "$SRC/a/b/f$i"; done
init_repo
gb backup --no-upload "$SRC" --quiet
gb upload --quiet
gb backup "$SRC" --quiet
mkdir -m 0700 "$W/spool"
gb agent import "$W/spool" > /dev/null
gb backup --from-journal "$SRC" --quiet 2> "$W/fj.err" || { cat "$W/fj.err" >&2; fail "journal-driven backup failed"; }
ls "$GRIDBACKUP_STATE_DIR"/*/views/*.db > /dev/null || fail "no view cache was made (test would prove nothing)"
ls "$GRIDBACKUP_STATE_DIR"/*/queue.db-wal > /dev/null 2>&1 || ls "$GRIDBACKUP_STATE_DIR"/*/views/*.db-wal > /dev/null || fail "no SQLite -wal file to check"

check_private() {
  local bad
  bad=$(find "$GRIDBACKUP_STATE_DIR" \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \) -printf '%m %p\n')
  [ -z "$bad" ] || fail "state not private: $bad"
  [ "$(stat -c %a "$GRIDBACKUP_STATE_DIR")" = 700 ] || fail "state dir is $(stat -c %a "$GRIDBACKUP_STATE_DIR")"
}
check_private
pass "umask 000: every state dir 0700, every state file 0600 ($(find "$GRIDBACKUP_STATE_DIR" | wc -l) paths)"

# Left open by an older version: tightened at open, with one line each.
chmod 0755 "$GRIDBACKUP_STATE_DIR" "$GRIDBACKUP_STATE_DIR"/*/
chmod 0644 "$GRIDBACKUP_STATE_DIR"/*/queue.db
gb backup "$SRC" --quiet 2> "$W/t.err"
grep -q "made the local state $GRIDBACKUP_STATE_DIR private (mode 0755 -> 0700)" "$W/t.err" || { cat "$W/t.err" >&2; fail "no line about tightening the state dir"; }
grep -q "queue.db private (mode 0644 -> 0600)" "$W/t.err" || { cat "$W/t.err" >&2; fail "no line about tightening the queue"; }
check_private
pass "a 0755 state dir and a 0644 queue were tightened and said so"

# Another user's state left open: refused in one sentence (it cannot be tightened).
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  O=$W/others-state
  mkdir -m 0755 "$O" && chmod 755 "$W"
  rc=0
  setpriv --reuid=65534 --regid=65534 --clear-groups "$GB" agent import "$W/spool" --state-dir "$O" > /dev/null 2> "$W/o.err" || rc=$?
  [ "$rc" = 1 ] || { cat "$W/o.err" >&2; fail "another user's open state dir: exit $rc, not 1"; }
  one_clear_sentence "$W/o.err" "^gridbackup: the local state $O is open to other users \(mode 0755\) and cannot be made private"
  [ -z "$(ls -A "$O")" ] || fail "something was written into another user's open state dir"
  pass "another user's open state dir refused in one sentence"
else
  echo "SKIPPED (loudly): refusing another user's state dir needs root and setpriv" >&2
fi
