# Conventions every command keeps (issue 14): it says which repository it
# opened, on stderr ("repository ID opened (URL)", as restic does), never a
# secret in it, not under --quiet or --json; counts read "1 snapshot".
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/src" && echo x > "$W/src/x"
opened='^repository [0-9a-f]{8} opened \(file://'"$REPO"'\)$'
for cmd in "backup $W/src --no-progress" "snapshots" "ls latest" "find x" "verify" "status" "forget --keep-last 5" "upload"; do
  # shellcheck disable=SC2086
  gb $cmd > "$W/out.txt" 2> "$W/err.txt" || { cat "$W/err.txt" >&2; fail "$cmd failed"; }
  grep -qE "$opened" "$W/err.txt" || { cat "$W/err.txt" >&2; fail "$cmd did not say which repository it opened"; }
  grep -qE 'opened' "$W/out.txt" && fail "$cmd put the opened line on stdout"
  [ "$(grep -cE "$opened" "$W/err.txt")" = 1 ] || { cat "$W/err.txt" >&2; fail "$cmd said it more than once"; }
  grep -q '^gridbackup: ' "$W/err.txt" && { cat "$W/err.txt" >&2; fail "$cmd printed a message besides the opened line"; }
done
pass "backup, snapshots, ls, find, verify, status, forget, upload: one 'repository ID opened (URL)' line on stderr"
# The same id in every command: the repository's.
[ "$(gb snapshots 2>&1 >/dev/null | grep -oE '^repository [0-9a-f]{8}')" = "$(gb ls latest 2>&1 >/dev/null | grep -oE '^repository [0-9a-f]{8}')" ] ||
  fail "two commands named the repository differently"

# Not under --quiet; not with --json (stdout is the JSON, stderr stays clean for scripts).
gb snapshots --quiet > /dev/null 2> "$W/q.err"
[ ! -s "$W/q.err" ] || { cat "$W/q.err" >&2; fail "--quiet printed on stderr"; }
gb snapshots --json > "$W/j.json" 2> "$W/j.err"
[ ! -s "$W/j.err" ] || { cat "$W/j.err" >&2; fail "--json printed the opened line"; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$W/j.json" || fail "snapshots --json is not JSON"
pass "no opened line under --quiet or --json"

# No secret: the cap given on the command line (it holds the key and the URL) is not echoed.
cap_text=$(grep -v '^#' "$CAP" | head -1)
"$GB" snapshots --cap "$cap_text" > /dev/null 2> "$W/cap.err"
grep -qE "$opened" "$W/cap.err" || { cat "$W/cap.err" >&2; fail "no opened line with --cap"; }
key_part=$(printf '%s' "$cap_text" | cut -d: -f2)   # gb1:KEY:CHECK:URL
[ "${#key_part}" -gt 20 ] || fail "could not find the secret part of the cap to look for"
grep -qF "$key_part" "$W/cap.err" && fail "the opened line shows the cap's secret"
pass "the opened line shows no secret of the cap"

# Plurals: one snapshot, one file.
gb snapshots 2> /dev/null | tail -1 > "$W/count.txt"
[ "$(cat "$W/count.txt")" = "1 snapshot" ] || fail "snapshots with one snapshot says: $(cat "$W/count.txt")"
echo y > "$W/src/y"
gb backup "$W/src" --no-progress > "$W/b.txt" 2> /dev/null
grep -qE '^  2 files \(1 read\), 1 dir, 0 others, [0-9]+ changed entr' "$W/b.txt" || fail "backup counts: $(cat "$W/b.txt")"
gb snapshots 2> /dev/null | tail -1 | holds -x '2 snapshots' || fail "two snapshots not counted"
gb forget --keep-last 5 2> /dev/null | holds -x 'nothing to forget: 2 snapshots kept' || fail "forget count"
gb forget --keep-last 1 > /dev/null 2>&1
gb forget --keep-last 1 2> /dev/null | holds -x 'nothing to forget: 1 snapshot kept' || fail "forget: one snapshot kept"
pass "counts: 1 snapshot, 2 snapshots, 1 dir, 2 files"
