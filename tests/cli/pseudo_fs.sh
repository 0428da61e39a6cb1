# Kernel pseudo-filesystems given as backup roots (/proc never finished):
# skipped with one line each; with nothing else to back up, one sentence and
# exit 2, nothing saved; with other roots, those are backed up and exit 3.
source "$GB_TESTS/tools/cli_lib.sh"
[ -d /proc/self ] && [ -d /sys/kernel ] || skip "no /proc or /sys here"
init_repo
mkdir -p "$W/src"; echo data > "$W/src/f"
expect_fail 2 'every path given is on a kernel pseudo-filesystem' timeout 20 "$GB" --cap-file "$CAP" backup /proc
grep -q 'not backed up: /proc: a proc pseudo-filesystem' "$W/err.txt" || fail "/proc was not named"
expect_fail 2 'every path given is on a kernel pseudo-filesystem' timeout 20 "$GB" --cap-file "$CAP" backup /sys /proc/self
[ ! -d "$REPO/snapshots" ] || [ -z "$(ls "$REPO/snapshots")" ] || fail "a refused backup saved a snapshot"
expect_fail 3 '1 path given was skipped' timeout 20 "$GB" --cap-file "$CAP" backup "$W/src" /sys --quiet
grep -q 'not backed up: /sys: a sysfs pseudo-filesystem' "$W/err.txt" || fail "/sys was not named"
gb ls latest | holds "$W/src/f$" || fail "the real root was not backed up beside the skipped one"
gb ls -l latest | holds ' /sys' && fail "the snapshot holds /sys"
pass "pseudo-filesystem roots are skipped, said in one line each"
