# --tag chooses snapshots in every command that takes --host/--path, with
# restic's rule: `--tag a,b` means both tags, `--tag a --tag b` either.
# "latest" with --tag is this host's newest snapshot with those tags.
# A filter that matches nothing says so (snapshots --host nosuchhost prints
# nothing on stdout); restore latest on a host with no snapshot of its own
# names the hosts that have some and exits non-zero.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
SRC=$W/src
mkdir -p "$SRC"
export GRIDBACKUP_HOST=alpha
echo v1 > "$SRC/f.txt"
gb backup "$SRC" --tag daily,home --quiet        # A: daily, home
echo v2-longer > "$SRC/f.txt"
gb backup "$SRC" --tag daily --quiet             # B: daily
echo v3-longest-of-all > "$SRC/f.txt"
echo only-in-c > "$SRC/c.txt"
gb backup "$SRC" --tag weekly --quiet            # C: weekly (the newest)
listed() { gb snapshots --json "$@" 2> /dev/null | python3 -c 'import json, sys; print(" ".join(",".join(s["tags"]) for s in json.load(sys.stdin)))'; }

step "snapshots --tag: a comma list means every tag, repeated --tag means any list"
[ "$(listed --tag daily)" = "daily,home daily" ] || fail "--tag daily listed '$(listed --tag daily)'"
[ "$(listed --tag daily,home)" = "daily,home" ] || fail "--tag daily,home listed '$(listed --tag daily,home)'"
[ "$(listed --tag home --tag weekly)" = "daily,home weekly" ] || fail "--tag home --tag weekly listed '$(listed --tag home --tag weekly)'"
[ "$(listed --tag home,weekly)" = "" ] || fail "--tag home,weekly listed '$(listed --tag home,weekly)'"
gb snapshots --tag weekly 2> /dev/null | holds " weekly " || fail "the table does not show the chosen snapshot's tags"

step "snapshots --host nosuchhost prints nothing and says so"
gb snapshots --host nosuchhost > "$W/none.txt" 2> "$W/none.err" || { cat "$W/none.err"; fail "snapshots --host nosuchhost failed"; }
[ -s "$W/none.txt" ] && { cat "$W/none.txt"; fail "snapshots --host nosuchhost printed a listing"; }
grep -q "^gridbackup: no snapshot matches host nosuchhost (the repository holds 3 snapshots, of host alpha)$" "$W/none.err" ||
  { cat "$W/none.err"; fail "snapshots --host nosuchhost did not say that nothing matched"; }
[ "$(gb snapshots --host nosuchhost --json 2> /dev/null)" = "[]" ] || fail "snapshots --host nosuchhost --json is not []"

step "latest --tag: ls, restore, dump, diff"
gb ls latest --tag daily | holds "^$SRC/c.txt$" && fail "ls latest --tag daily shows the weekly snapshot's file"
gb ls latest --tag daily | holds "^$SRC/f.txt$" || fail "ls latest --tag daily"
[ "$(gb dump latest "$SRC/f.txt" --tag daily,home)" = v1 ] || fail "dump latest --tag daily,home is not the first version"
[ "$(gb dump latest "$SRC/f.txt" --tag home --tag daily)" = v2-longer ] || fail "dump latest with either tag is not the newest of them"
gb restore latest --tag daily --target "$W/r" --quiet
[ "$(cat "$W/r$SRC/f.txt")" = v2-longer ] && [ ! -e "$W/r$SRC/c.txt" ] || fail "restore latest --tag daily restored another snapshot"
expect_fail 1 "no snapshot of host alpha is tagged nope" gb restore latest --tag nope --target "$W/r0"
a_id=$(gb snapshots --json --tag home 2> /dev/null | grep -o '"short_id":"[0-9a-f]*"' | cut -d'"' -f4)
gb diff "$a_id" latest --tag daily > "$W/diff.txt"
grep -q "^M $SRC/f.txt$" "$W/diff.txt" && ! grep -q "c.txt" "$W/diff.txt" || { cat "$W/diff.txt"; fail "diff with latest --tag daily"; }

step "find, versions, stats, forget take --tag"
gb find 'c.txt' --tag daily | holds '^0 matches' || fail "find --tag daily found the weekly snapshot's file"
gb find 'c.txt' --tag weekly | holds '^1 match in 1 snapshot' || fail "find --tag weekly"
[ "$(gb versions "$SRC/f.txt" --tag daily --json 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
  fail "versions --tag daily does not list two versions"
[ "$(gb stats --tag daily --json 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["snapshots"]))')" = 2 ] ||
  fail "stats --tag daily does not weigh two snapshots"
gb forget --keep-last 1 --tag daily --dry-run > "$W/forget.txt"
grep -q "would forget 1 snapshot and keep 1" "$W/forget.txt" || { cat "$W/forget.txt"; fail "forget --tag daily weighed other snapshots"; }
gb forget --keep-last 1 --tag daily --quiet
[ "$(listed)" = "daily weekly" ] || fail "forget --keep-last 1 --tag daily left '$(listed)'"

step "forget --keep-tag keeps every snapshot with the tags, whatever the other rules say"
gb tag --add keep "$(gb snapshots --json --tag daily 2> /dev/null | grep -o '"short_id":"[0-9a-f]*"' | cut -d'"' -f4)" --quiet
gb forget --keep-last 1 --keep-tag keep --dry-run --json > "$W/keep.json"
python3 - "$W/keep.json" <<'PY' || fail "forget --keep-tag keep did not keep the tagged snapshot"
import json, sys
groups = json.load(open(sys.argv[1]))["groups"]
keep = [s for g in groups for s in g["keep"]]
assert any("keep" in s["tags"] and "tag keep" in s["reasons"] for s in keep), groups
assert not any("keep" in s["tags"] for g in groups for s in g["forget"]), groups
PY
gb forget --keep-tag weekly --quiet
[ "$(listed)" = "weekly" ] || fail "forget --keep-tag weekly alone left '$(listed)'"

step "restore latest on a machine with no snapshot of its own: one sentence with the hosts, non-zero"
expect_fail 1 "^gridbackup: no snapshot of host gamma; other hosts: alpha — use --host NAME, or a snapshot id$" \
  env GRIDBACKUP_HOST=gamma "$GB" --cap-file "$CAP" restore latest --target "$W/r2"
[ -e "$W/r2" ] && fail "the refused restore wrote to its target"
pass "--tag filters snapshots, ls, dump, restore, diff, find, versions, stats and forget; empty filters say so"
