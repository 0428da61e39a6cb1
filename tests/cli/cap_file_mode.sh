# A cap file others may read gets a one-line warning; one others may write
# is refused (exit 11, one sentence) (issue 21).
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/src" && echo x > "$W/src/x"
[ "$(stat -c %a "$CAP")" = 600 ] || fail "init did not save the cap 0600"
gb snapshots > /dev/null 2> "$W/e0.txt"
grep -qE '^repository [0-9a-f]{8} opened \(file://' "$W/e0.txt" || fail "snapshots did not say which repository it opened: $(cat "$W/e0.txt")"
[ -z "$(beyond_opened "$W/e0.txt")" ] || fail "a 0600 cap file drew a message: $(cat "$W/e0.txt")"
chmod 0644 "$CAP"
gb backup "$W/src" --quiet 2> "$W/e1.txt" || fail "a readable cap file should still work"
grep -q "^gridbackup: warning: the cap file $CAP is readable by other users (mode 0644)" "$W/e1.txt" || { cat "$W/e1.txt" >&2; fail "no warning for a 0644 cap file"; }
[ "$(grep -c . "$W/e1.txt")" = 1 ] || { cat "$W/e1.txt" >&2; fail "expected one line"; }
pass "0644 cap file: one warning line"
chmod 0664 "$CAP"
expect_fail 11 "the cap file $CAP is writable by other users \(mode 0664\)" gb snapshots
one_clear_sentence "$W/err.txt" "writable by other users"
chmod 0602 "$CAP"
expect_fail 11 "writable by other users \(mode 0602\)" gb backup "$W/src"
[ "$(gb_snap_count=$(chmod 600 "$CAP"; gb snapshots --json | grep -o '"id"' | wc -l); echo $gb_snap_count)" = 1 ] || fail "the refused backup stored a snapshot"
pass "group/other-writable cap file refused, nothing stored"
