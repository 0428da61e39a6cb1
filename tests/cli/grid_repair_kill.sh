# Repair is incremental and resumable: kill -9 in the middle of a repair, and
# the next run continues after the last object done ("continued after ...")
# and completes; --limit N repairs N objects per run. In the end every
# object has five good shares on five members and the restore is byte-exact.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
init_grid
# Many objects: each backup stores a pack, an index object and a snapshot.
for round in $(seq 1 25); do
  for i in 1 2 3; do head -c $((RANDOM * 8)) /dev/urandom > "$SRC/r$round-$i"; done
  gb backup "$SRC" --quiet
done
head -c 40000000 /dev/urandom > "$SRC/big.bin"
gb backup "$SRC" --quiet
total=$(shares_py count)
[ "$total" -ge 60 ] || fail "expected at least 60 objects, got $total"
cursor_of() { ls "$GRIDBACKUP_STATE_DIR"/grid-*/repair.cursor 2>/dev/null || true; }

killed=0
for attempt in 1 2 3; do
  rm -rf "$M/m0" "$M/m3"
  "$GB" --cap-file "$CAP" repair --quiet > /dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ -z "$(cursor_of)" ]; do sleep 0.005; done
  sleep 0.0$((RANDOM % 10))
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    rc=0; gb grid verify > "$W/v.txt" 2>&1 || rc=$?
    if [ "$rc" -eq 3 ]; then killed=1; break; fi   # killed with work left: what we want
  fi
  wait "$pid" 2>/dev/null || true
  echo "note: attempt $attempt: the repair finished before the kill landed"
  gb repair --quiet > /dev/null
done
[ "$killed" = 1 ] || fail "could not kill a repair in the middle in three attempts"
left=$(grep -c 'under-replicated, ' "$W/v.txt")
cursor=$(cat "$(cursor_of)")
gb repair > "$W/repair.txt" 2>&1 || { cat "$W/repair.txt"; fail "repair after kill -9 failed"; }
grep -q "continued after $cursor" "$W/repair.txt" || fail "repair did not resume after $cursor: $(tail -3 "$W/repair.txt")"
gb grid verify > "$W/v2.txt" || { cat "$W/v2.txt"; fail "verify after the resumed repair failed"; }
[ -z "$(cursor_of)" ] || fail "a finished repair left its cursor"
check_spread "after kill -9 and resume"
pass "kill -9 during repair ($left of $total objects still short), the rerun resumed after the cursor and completed"

# Incremental: --limit 10 per run until done.
rm -rf "$M/m4"
runs=0
while :; do
  runs=$((runs + 1))
  [ "$runs" -le 20 ] || fail "repair --limit 10 did not finish in 20 runs"
  rc=0; gb repair --limit 10 > "$W/repair.txt" 2>&1 || rc=$?
  grep -q 'stopped before the end' "$W/repair.txt" || break
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { cat "$W/repair.txt"; fail "repair --limit: exit $rc"; }
done
[ "$runs" -ge $((total / 10)) ] || fail "repair --limit 10 finished $total objects in $runs runs"
gb grid verify > /dev/null || fail "verify after the incremental repair failed"
check_spread "after the incremental repair"
gb restore latest --target "$W/r" --quiet
compare "$SRC" "$W/r$SRC" > /dev/null || fail "restore after the repairs differs"
pass "repair --limit 10: $runs runs for $total objects; restore byte-exact"
