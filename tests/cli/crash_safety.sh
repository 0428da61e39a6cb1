# kill -9 at random moments of backup (with and without upload) and upload,
# many times in a loop, with files changing between runs. Afterwards the
# repository verifies, every snapshot restores, the latest equals the source,
# and no blob was stored twice (a resumed run does not re-upload what a
# killed one stored).
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
for i in $(seq 1 150); do head -c $((RANDOM % 20000)) /dev/urandom > "$SRC/small$i"; done
for i in 1 2 3 4; do head -c 3000000 /dev/urandom > "$SRC/big$i"; done
init_repo
ROUNDS=${CRASH_ROUNDS:-24}
kills=0
for round in $(seq 1 "$ROUNDS"); do
  # Change a few files so every round has something new to store.
  for j in 1 2 3; do head -c $((RANDOM * 4)) /dev/urandom > "$SRC/small$((RANDOM % 150 + 1))"; done
  head -c 1000000 /dev/urandom >> "$SRC/big$((round % 4 + 1))"
  case $((round % 3)) in
    0) cmd=(backup "$SRC") ;;
    1) cmd=(backup --no-upload "$SRC") ;;
    2) cmd=(upload) ;;
  esac
  # A slow link makes the window long enough to land a kill inside. The binary
  # runs directly (not through a shell function) so the kill hits it, not a subshell.
  "$GB" --cap-file "$CAP" "${cmd[@]}" --limit-upload 8192 --quiet > /dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9))$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
done
echo "killed $kills of $ROUNDS runs"
[ "$kills" -ge $((ROUNDS / 3)) ] || fail "too few runs were killed ($kills) for the test to mean anything"
# The next runs resume and complete.
gb backup "$SRC" --quiet
gb upload --quiet
gb verify --read-data > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt"; fail "repository does not verify after kill -9 loop"; }
if grep -q 'stored more than once' "$W/verify.txt"; then cat "$W/verify.txt"; fail "blobs were uploaded twice"; fi
gb restore latest --target "$W/r" --quiet
compare "$SRC" "$W/r$SRC" || fail "latest snapshot differs from the source after the kill loop"
# Every snapshot, complete or not, still opens and restores what it has.
for id in $(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; [print(s["short_id"]) for s in json.load(sys.stdin)]'); do
  rc=0; gb restore "$id" --target "$W/every/$id" --quiet 2> "$W/every.err" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { cat "$W/every.err"; fail "snapshot $id failed to restore (exit $rc)"; }
  if grep -q 'damaged' "$W/every.err"; then cat "$W/every.err"; fail "snapshot $id reports damage"; fi
done
[ -z "$(ls -A "$REPO/tmp")" ] || echo "note: $(ls "$REPO/tmp" | wc -l) temporary files left by killed puts (never read; prune removes them)"
pass "repository valid, nothing lost or duplicated after $kills kills"
