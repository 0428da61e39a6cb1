# A file rewritten while it is being read is never stored torn: the backup
# either stores one complete version or says the file kept changing.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
echo steady > "$SRC/steady"
/usr/bin/python3 - "$W" <<'PY'
import sys
w = sys.argv[1]
open(w + "/A", "wb").write(b"A" * (24 << 20))
open(w + "/B", "wb").write(b"B" * (24 << 20))
PY
cp "$W/A" "$SRC/churning"
init_repo
# Writer: rewrites the whole file in place, alternating A and B, for as long as the backup runs.
( while [ ! -e "$W/stop" ]; do dd if="$W/B" of="$SRC/churning" conv=notrunc bs=1M status=none; dd if="$W/A" of="$SRC/churning" conv=notrunc bs=1M status=none; done ) &
writer=$!
rc=0
gb backup "$SRC" --json > "$W/b.json" 2> "$W/b.err" || rc=$?
touch "$W/stop"; wait $writer
gb restore latest --target "$W/r" --quiet
if [ -e "$W/r$SRC/churning" ]; then
  cmp -s "$W/r$SRC/churning" "$W/A" || cmp -s "$W/r$SRC/churning" "$W/B" || fail "a torn version of the churning file was stored"
  pass "churning file stored as one complete version (exit $rc)"
else
  [ "$rc" -eq 3 ] || fail "churning file missing but backup exited $rc"
  grep -q 'churning: it kept changing' "$W/b.err" || fail "missing 'kept changing' message: $(cat "$W/b.err")"
  pass "churning file reported as kept changing, not stored torn"
fi
[ -e "$W/r$SRC/steady" ] || fail "the steady file was not backed up"
