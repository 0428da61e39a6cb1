# A file whose content changes while its size, mtime and ctime stay put is
# never stored torn. Writes through a shared mapping stamp the file only at
# the first store after a flush, the way write() stamps it before it copies
# the data: the stat before and after a read cannot see such a change, only
# that the stamp is recent (core/backup/recent_change.h). The writer here
# flushes (restamps) every 20 ms and flips the whole content A<->B between.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/unstable_lib.sh"
SIZE=$((2 << 20))
two_versions flipping "$SIZE"
cat > "$W/flip.py" <<'PY'
import mmap, os, sys, time
path, size, stop, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fd = os.open(path, os.O_RDWR)
mm = mmap.mmap(fd, size, mmap.MAP_SHARED)
a, b = b"A" * size, b"B" * size
mm[:] = b
mm.flush()
mm[:] = a  # the first store after a flush stamps the file...
stamp = os.fstat(fd).st_mtime_ns
mm[:] = b  # ...later ones do not
mm[:] = a
if os.fstat(fd).st_mtime_ns != stamp:
    print("stores through a mapping restamp the file here", file=sys.stderr)
    sys.exit(77)
open(ready, "w").close()
while not os.path.exists(stop):
    mm.flush()
    until = time.monotonic() + 0.020
    while time.monotonic() < until:
        mm[:] = b
        mm[:] = a
PY
/usr/bin/python3 "$W/flip.py" "$SRC/flipping" "$SIZE" "$W/stop" "$W/ready" &
flipper=$!
trap 'touch "$W/stop"; wait $flipper 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 100); do [ -e "$W/ready" ] || ! kill -0 $flipper 2>/dev/null && break; sleep 0.05; done
if [ ! -e "$W/ready" ]; then
  rc=0; wait $flipper || rc=$?
  [ "$rc" -eq 77 ] && skip "this file system restamps a file on every store through a mapping"
  fail "the writer did not start (exit $rc)"
fi
for round in 1 2 3 4 5; do
  rc=0
  gb backup "$SRC" > /dev/null 2> "$W/b.err" || rc=$?
  no_crash_in "$W/b.err"
  rm -rf "$W/r"
  gb restore latest --target "$W/r" --quiet
  stored_whole_or_kept_changing flipping "$rc" "round $round"
done
pass "a file changing under an unchanged stamp was never stored torn"
