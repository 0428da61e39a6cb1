# A 5 MiB file rewritten continuously does not hold a backup for long: the
# attempts to read it are bounded by time, then it is copied aside (staging)
# or reported as kept changing (issue 21: 18-60 s inside librsync).
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
echo steady > "$SRC/steady"
head -c 5242880 /dev/urandom > "$W/A"
head -c 5242880 /dev/urandom > "$W/B"
cp "$W/A" "$SRC/churn"
init_repo
gb backup "$SRC" --quiet   # a first version: the next ones try a delta against it
( while [ ! -e "$W/stop" ]; do
    dd if="$W/B" of="$SRC/churn" conv=notrunc bs=64k status=none
    dd if="$W/A" of="$SRC/churn" conv=notrunc bs=64k status=none
  done ) &
writer=$!
trap 'touch "$W/stop"; wait $writer 2>/dev/null; rm -rf "$W"' EXIT
for round in 1 2 3; do
  start=$(date +%s.%N)
  rc=0
  gb backup "$SRC" --quiet 2> "$W/b.err" || rc=$?
  took=$(echo "$(date +%s.%N) - $start" | bc)
  echo "round $round: exit $rc in ${took}s: $(head -c 300 "$W/b.err")"
  no_crash_in "$W/b.err"
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "backup exited $rc"
  (( $(echo "$took < 8" | bc) )) || fail "a backup with a churning 5 MiB file took ${took}s"
done
pass "every backup with a continuously rewritten 5 MiB file finished in seconds"
