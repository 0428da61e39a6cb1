# restore --verify reads every file back and compares it with its content
# hash: a clean restore verifies every file; a file damaged in the target with
# its size and mtime kept (which if-changed trusts, as restic does) is caught
# by the read-back, named, and the restore fails.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/sub"
echo one > "$SRC/one"
head -c $((3 << 20)) /dev/urandom > "$SRC/sub/three-segments.bin"
ln "$SRC/one" "$SRC/sub/link-to-one"
init_repo
gb backup "$SRC" --quiet
T=$W/t

step "a clean restore verifies every file"
gb restore latest --target "$T" --verify > "$W/clean.txt"
grep -q '3 files read back and verified' "$W/clean.txt" || fail "the summary does not say every file was verified: $(cat "$W/clean.txt")"
pass "$(cat "$W/clean.txt")"

step "a file damaged with its size and mtime kept is caught"
f=$T$SRC/sub/three-segments.bin
printf 'XXXX' | dd of="$f" bs=1 seek=1500000 conv=notrunc status=none
touch -r "$SRC/sub/three-segments.bin" "$f"
rc=0
gb restore latest --target "$T" --overwrite if-changed --verify > "$W/out.txt" 2> "$W/err.txt" || rc=$?
[ "$rc" = 1 ] || { cat "$W/err.txt" >&2; fail "a damaged file read back should fail the restore (exit 1), got $rc"; }
grep -q "^error: verify: $SRC/sub/three-segments.bin: read back, its content differs" "$W/err.txt" ||
  { cat "$W/err.txt" >&2; fail "the mismatch does not name the file"; }
grep -q '^gridbackup: 1 file in the target does not match the snapshot' "$W/err.txt" || { cat "$W/err.txt" >&2; fail "no closing sentence"; }
no_crash_in "$W/err.txt"
pass "caught: $(grep '^error: verify' "$W/err.txt")"

step "--verify with --dry-run is refused"
expect_fail 2 'a --dry-run writes nothing' gb restore latest --target "$T" --verify --dry-run
