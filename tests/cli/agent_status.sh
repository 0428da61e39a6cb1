# One `agent status` (issue 13): `gridbackup status` and `gridbackup agent
# status` show the agent from the same report, so they count the pending
# rescans alike. The rescans a backup has done are no longer pending: the
# agent's status once counted every rescan the journal still held.
source "$GB_TESTS/tools/cli_lib.sh"
REPLAY=$(dirname "$GB")/gridbackup-replay
[ -x "$REPLAY" ] || fail "gridbackup-replay is not built next to $GB"
SRC=$W/src
mkdir -p "$SRC" && echo hello > "$SRC/f"
init_repo
gb agent status > "$W/none.txt"
grep -q "^agent: *not set up" "$W/none.txt" || { cat "$W/none.txt" >&2; fail "agent status without a journal: $(cat "$W/none.txt")"; }
# A first backup cuts the (empty) journal; later backups keep that cut (a
# parent's) and the records after it.
gb backup --from-journal "$SRC" --no-upload --quiet
# A recording whose kernel queue overflowed, played into the state dir's journal.
"$REPLAY" play "$GB_TESTS/recordings/fanotify/overflow.rec" --state-dir "$GRIDBACKUP_STATE_DIR" --map "/mnt/gbrec/root=$SRC" > /dev/null
overflows=$("$GB" agent journal | grep -c " overflow ")
[ "$overflows" -gt 0 ] || fail "the recording gave no overflow record (test would prove nothing)"

pending() {  # pending TEXT-FILE: the count both commands print
  sed -n 's/^journal: .*; \([0-9]*\) rescans pending for the next backup$/\1/p' "$1"
}
gb status > "$W/status1.txt"
gb agent status > "$W/agent1.txt"
[ "$(pending "$W/status1.txt")" = "$overflows" ] || { cat "$W/status1.txt" >&2; fail "status does not count the $overflows overflows as pending"; }
[ "$(pending "$W/agent1.txt")" = "$overflows" ] || { cat "$W/agent1.txt" >&2; fail "agent status does not count the $overflows overflows as pending"; }
pass "before a backup, both show the $overflows overflows as pending rescans"

# The backup reads the journal up to its end (its cut): it did those rescans,
# though the journal keeps them (after the first backup's cut).
gb backup --from-journal "$SRC" --no-upload --quiet
gb status > "$W/status2.txt"
gb agent status > "$W/agent2.txt"
[ "$(pending "$W/status2.txt")" = 0 ] || { cat "$W/status2.txt" >&2; fail "status still shows rescans the backup did"; }
[ "$(pending "$W/agent2.txt")" = 0 ] || { cat "$W/agent2.txt" >&2; fail "agent status still shows rescans the backup did"; }
diff <(grep -v '^journal:' "$W/agent2.txt") <(sed -n '/^agent:/,$p' "$W/status2.txt" | grep -v '^journal:') > /dev/null ||
  { diff "$W/agent2.txt" "$W/status2.txt" >&2; fail "the two commands show the agent differently"; }
gb status --json | holds '"pending_rescans":0' || fail "status --json: $(gb status --json)"
pass "after the backup, neither shows them, and both show the agent alike"
