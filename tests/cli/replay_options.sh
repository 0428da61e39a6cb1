# gridbackup-replay has its own command line: each of its commands takes
# only its own options, and refuses another one with one sentence and exit 2
# instead of ignoring it (it once parsed with the gridbackup CLI's table,
# which let every command take every option).
source "$GB_TESTS/tools/cli_lib.sh"
: "${GB_REPLAY:?GB_REPLAY must point to gridbackup-replay (ctest sets it)}"
echo "not a recording" > "$W/rec"

expect_fail 2 'print: .*--map' "$GB_REPLAY" print --map a=b "$W/rec"
expect_fail 2 'print: .*--state-dir' "$GB_REPLAY" print --state-dir "$W/s" "$W/rec"
expect_fail 2 'record: .*--map' "$GB_REPLAY" record --out "$W/out" --map a=b /
expect_fail 2 'play: .*--out' "$GB_REPLAY" play "$W/rec" --state-dir "$W/s" --out "$W/x"
expect_fail 2 'play: .*--bogus' "$GB_REPLAY" play "$W/rec" --bogus
expect_fail 2 'play: .*--state-dir' "$GB_REPLAY" play "$W/rec" --state-dir
expect_fail 2 "unknown command 'frob'" "$GB_REPLAY" frob
# Each refusal is one line.
"$GB_REPLAY" print --map a=b "$W/rec" 2> "$W/err.txt" && fail "print --map was accepted"
[ "$(wc -l < "$W/err.txt")" -eq 1 ] || { cat "$W/err.txt" >&2; fail "the refusal is not one line"; }
# The options a command does take still work, in both spellings.
expect_fail 2 'play needs --state-dir' "$GB_REPLAY" play "$W/rec" --map a=b
expect_fail 2 "$W/rec" "$GB_REPLAY" play "$W/rec" --state-dir="$W/s" --map=a=b
# Help: usage on stdout, exit 0; no command at all is a usage error.
for h in help --help -h "print --help"; do
  out=$("$GB_REPLAY" $h) || fail "'gridbackup-replay $h' failed"
  grep -q 'Usage:' <<< "$out" || fail "'gridbackup-replay $h' printed no usage"
done
rc=0; "$GB_REPLAY" > /dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "gridbackup-replay without a command exited $rc, not 2"
pass "gridbackup-replay: per-command options, refusals in one sentence"
