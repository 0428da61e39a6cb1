# The audit: a full scan with the agent running compares what the journal
# said with the disk and reports loudly any change the journal missed. The
# test hides one change from the journal (deletes its record) to see the
# audit catch it, and checks that an honest journal passes.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 64
mkdir -p "$DATA/a" "$DATA/b"
echo one > "$DATA/a/one"
echo two > "$DATA/b/two"
init_repo
start_agent "$GRIDBACKUP_STATE_DIR" "$DATA"
gb backup "$DATA" --no-upload --no-progress > /dev/null
echo changed >> "$DATA/a/one"
gb backup "$DATA" --no-upload --no-progress --audit > "$W/honest.out" 2> "$W/honest.err"
grep -q "audit: the full scan found no change the journal had missed" "$W/honest.out" ||
  { cat "$W/honest.out" "$W/honest.err" >&2; fail "an honest journal did not pass the audit"; }

echo changed >> "$DATA/b/two"
for _ in $(seq 100); do
  "$GB" agent journal --state-dir "$GRIDBACKUP_STATE_DIR" | holds "modified file $DATA/b/two" && break
  sleep 0.05
done
/usr/bin/python3 - "$GRIDBACKUP_STATE_DIR/journal.db" "$DATA/b/two" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("DELETE FROM changes WHERE path = ?", (sys.argv[2].encode(),)).rowcount
db.commit()
assert n > 0, "no record to hide"
PY
rc=0; gb backup "$DATA" --no-upload --no-progress --audit > "$W/audit.out" 2> "$W/audit.err" || rc=$?
[ "$rc" = 4 ] || { cat "$W/audit.err" >&2; fail "an audit that found misses exited $rc, not 4"; }
grep -q "this snapshot was taken by that full scan" "$W/audit.err" || fail "the audit did not say what it did about the misses"
grep -q "AUDIT FAILED: the change journal missed 1 changes" "$W/audit.err" || { cat "$W/audit.out" "$W/audit.err" >&2; fail "the audit did not report the hidden change"; }
grep -q "^$DATA/b/two$" "$W/audit.err" || fail "the audit did not name the missed path"
gb ls latest --json | holds "\"path\":\"$DATA/b/two\",\"type\":\"file\",\"mode\":420,\"uid\":0,\"gid\":0,\"size\":12" ||
  fail "the audited snapshot does not hold the change the journal missed"
gb status > "$W/status.out"
grep -q "THE JOURNAL MISSED 1 CHANGES" "$W/status.out" || { cat "$W/status.out" >&2; fail "status does not show the failed audit"; }
pass "the audit catches a change hidden from the journal and passes an honest one"
