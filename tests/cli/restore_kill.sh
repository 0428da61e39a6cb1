# A restore killed with SIGKILL in the middle of a big file leaves that file
# absent (only a temporary name, removed by the next restore), never truncated
# under its final name; the next restore makes it whole.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
head -c $((96 << 20)) /dev/urandom > "$SRC/huge1"
echo small > "$SRC/small"
init_repo
gb backup "$SRC" --quiet
T=$W/t
"$GB" --cap-file "$CAP" restore latest --target "$T" --quiet 2> /dev/null &
pid=$!
# Kill as soon as anything of huge1 (its final or temporary name) is on disk.
for _ in $(seq 1 5000); do
  if compgen -G "$T$SRC/.gridbackup-partial.*" > /dev/null || [ -e "$T$SRC/huge1" ]; then break; fi
  sleep 0.002
done
kill -9 "$pid"; wait "$pid" 2> /dev/null || true
if [ -e "$T$SRC/huge1" ]; then
  cmp -s "$SRC/huge1" "$T$SRC/huge1" || fail "a killed restore left huge1 truncated under its final name ($(stat -c %s "$T$SRC/huge1") bytes)"
  skip "the restore finished before it could be killed"
fi
compgen -G "$T$SRC/.gridbackup-partial.*" > /dev/null || skip "no temporary name seen before the kill"
pass "killed restore: huge1 absent, only a temporary name left"
gb restore latest --target "$T" --quiet
cmp "$SRC/huge1" "$T$SRC/huge1" || fail "the next restore did not make huge1 whole"
! compgen -G "$T$SRC/.gridbackup-partial.*" > /dev/null || fail "the next restore left the temporary names: $(ls -a "$T$SRC")"
pass "next restore: huge1 whole, leftovers removed"
