# Without CAP_SYS_ADMIN the agent says so in one sentence and exits non-zero;
# a backup then says plainly that it scans everything, and still works.
source "$GB_TESTS/tools/cli_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to drop to an unprivileged user"
command -v setpriv > /dev/null || skip "setpriv is missing (Debian: util-linux)"
mkdir -p "$W/data" "$GRIDBACKUP_STATE_DIR"
echo hello > "$W/data/file"
chmod 755 "$W"
chmod 700 "$GRIDBACKUP_STATE_DIR" && chown 65534:65534 "$GRIDBACKUP_STATE_DIR"  # the unprivileged agent's own (state dirs open to others are refused)
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
  "$GB" agent run --state-dir "$GRIDBACKUP_STATE_DIR" "$W/data" > "$W/agent.out" 2> "$W/agent.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the agent ran without CAP_SYS_ADMIN"
one_clear_sentence "$W/agent.err" "needs CAP_SYS_ADMIN.*fall back to full scans"
init_repo
gb backup "$W/data" --no-progress > "$W/backup.out" 2> "$W/backup.err" || fail "the backup failed without an agent"
if [ -e "$GRIDBACKUP_STATE_DIR/journal.db" ]; then
  grep -q "the change-journal agent is not running, so this backup scans everything" "$W/backup.err" ||
    { cat "$W/backup.err" >&2; fail "the backup did not say it scans everything"; }
fi
gb ls latest | holds "$W/data/file" || fail "the full-scan backup misses the file"
pass "no CAP_SYS_ADMIN: one sentence from the agent, full scans that say so"
