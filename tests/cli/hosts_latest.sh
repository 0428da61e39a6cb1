# Two hosts in one repository: "latest" is this host's newest snapshot (of
# the --path given), never the other machine's; --host/--path filter
# snapshots, ls, find, diff and restore; an id works whatever its host.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/alpha" "$W/beta"
echo from-alpha > "$W/alpha/a.txt"
echo from-beta > "$W/beta/b.txt"
GRIDBACKUP_HOST=alpha gb backup "$W/alpha" --quiet
GRIDBACKUP_HOST=beta gb backup "$W/beta" --quiet   # the newest snapshot of the repository

# alpha's latest is alpha's, although beta's is newer.
GRIDBACKUP_HOST=alpha gb ls latest > "$W/ls.txt"
grep -q "/alpha/a.txt$" "$W/ls.txt" || { cat "$W/ls.txt"; fail "ls latest on alpha does not show alpha's snapshot"; }
grep -q "/beta/" "$W/ls.txt" && fail "ls latest on alpha shows beta's files"
GRIDBACKUP_HOST=alpha gb restore latest --target "$W/r" --quiet
[ -f "$W/r$W/alpha/a.txt" ] && [ ! -e "$W/r$W/beta" ] || { find "$W/r"; fail "restore latest on alpha restored another machine"; }
# --host chooses the other machine explicitly.
GRIDBACKUP_HOST=alpha gb ls latest --host beta | holds "/beta/b.txt$" || fail "ls latest --host beta"
# snapshots --host / --path.
[ "$(gb snapshots --json --host alpha | grep -c '"hostname"')" = 1 ] || fail "snapshots --host alpha does not list exactly one snapshot"
[ "$(gb snapshots --json --path "$W/beta" | grep -c '"hostname":"beta"')" = 1 ] || fail "snapshots --path"
[ "$(gb snapshots --json | grep -c '"hostname"')" = 2 ] || fail "snapshots without a filter lists every host"
# find --host.
gb find 'b.txt' --host alpha | holds '^0 matches' || fail "find --host alpha found beta's file"
gb find 'b.txt' | holds '^1 match in 1 snapshot' || fail "find without --host"
# A host with no snapshot: one sentence naming the host and the others.
expect_fail 1 "no snapshot of host gamma; other hosts: alpha, beta — use --host" env GRIDBACKUP_HOST=gamma "$GB" --cap-file "$CAP" ls latest
expect_fail 1 "no snapshot of host alpha includes /nowhere" env GRIDBACKUP_HOST=alpha "$GB" --cap-file "$CAP" restore latest --path /nowhere --target "$W/r2"
# An id works whatever the host.
beta_id=$(gb snapshots --json --host beta | grep -o '"short_id":"[0-9a-f]*"' | cut -d'"' -f4)
GRIDBACKUP_HOST=alpha gb ls "$beta_id" | holds "/beta/b.txt$" || fail "a snapshot id of another host does not resolve"
# diff latest: this host's two snapshots.
echo more > "$W/alpha/c.txt"
GRIDBACKUP_HOST=alpha gb backup "$W/alpha" --quiet
alpha_first=$(gb snapshots --json --host alpha | grep -o '"short_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
GRIDBACKUP_HOST=alpha gb diff "$alpha_first" latest > "$W/diff.txt"
grep -q "^+ $W/alpha/c.txt$" "$W/diff.txt" && ! grep -q beta "$W/diff.txt" || { cat "$W/diff.txt"; fail "diff with latest used another host's snapshot"; }
pass "latest is this host's; --host/--path filter; ids resolve across hosts"
