# Snapshot tags as restic's: backup --tag (repeatable, comma lists), tag
# --add/--remove/--set (a changed snapshot gets a new id, the old one is
# forgotten, not deleted), shown by snapshots (text and --json). A tag killed
# at any moment loses nothing and a rerun finishes it; seen-objects does not
# take the changed ids for a rollback; the next backup builds on the copy.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
SRC=$W/src
mkdir -p "$SRC/sub"
echo one > "$SRC/a.txt"
head -c 200000 /dev/urandom > "$SRC/sub/b.bin"
# tags_of ID: the snapshot's tags, comma-joined, from snapshots --json.
tags_of() {
  gb snapshots --json 2> /dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["id"].startswith(sys.argv[1]): print(",".join(s["tags"]))' "$1"
}
count() { gb snapshots --json 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
ids() { gb snapshots --json 2> /dev/null | python3 -c 'import json, sys; [print(s["short_id"]) for s in json.load(sys.stdin)]'; }

step "backup --tag: repeatable and comma lists, stored sorted and unique"
gb backup "$SRC" --tag daily,home --tag " keep " --tag home --quiet
first=$(ids | tail -1)
[ "$(tags_of "$first")" = "daily,home,keep" ] || fail "backup --tag stored '$(tags_of "$first")', not daily,home,keep"
gb snapshots 2> /dev/null | grep -E "^$first .* daily,home,keep " > /dev/null || { gb snapshots; fail "the table does not show the tags"; }
expect_fail 2 "a tag may not hold control characters" gb backup "$SRC" --tag "$(printf 'a\nb')"

step "tag --add / --remove / --set on one snapshot; each change is a new id"
gb tag --add monthly "$first" > "$W/t1.txt" 2> "$W/t1.err" || { cat "$W/t1.err"; fail "tag --add failed"; }
second=$(grep -oE "is now [0-9a-f]{8}" "$W/t1.txt" | cut -d' ' -f3)
[ -n "$second" ] && [ "$second" != "$first" ] || { cat "$W/t1.txt"; fail "tag --add did not say the new id"; }
[ "$(tags_of "$second")" = "daily,home,keep,monthly" ] || fail "after --add: '$(tags_of "$second")'"
[ "$(count)" = 1 ] || fail "the old snapshot is still listed after tag --add"
gb tag --remove daily,keep "$second" --quiet
third=$(ids | tail -1)
[ "$(tags_of "$third")" = "home,monthly" ] || fail "after --remove: '$(tags_of "$third")'"
gb tag --set x --set y,z latest --quiet
[ "$(tags_of "$(ids | tail -1)")" = "x,y,z" ] || fail "after --set: '$(tags_of "$(ids | tail -1)")'"
gb tag --add x latest | holds "^no tags changed: 1 snapshot already as asked$" || fail "an unchanged tag set is stored again"
gb tag --set '' latest --quiet
[ "$(tags_of "$(ids | tail -1)")" = "" ] || fail "--set '' left tags"
expect_fail 2 "not both" gb tag --set a --add b latest
expect_fail 2 "tag needs --add TAG, --remove TAG or --set TAG" gb tag latest
grep -q WARNING "$W/t1.err" && fail "seen-objects took a tag change for a rollback: $(cat "$W/t1.err")"
gb snapshots > /dev/null 2> "$W/s.err"
grep -q WARNING "$W/s.err" && fail "seen-objects warns after tag changes: $(cat "$W/s.err")"
gb verify > /dev/null 2>&1 || fail "verify fails after tag changes"

step "the copy keeps the backup: restore is byte-exact and the next backup builds on it"
gb restore latest --target "$W/r1" --quiet
compare "$SRC" "$W/r1$SRC" || fail "restore of the retagged snapshot differs"
echo two > "$SRC/c.txt"
gb backup "$SRC" --tag later --quiet
gb diff "$(ids | sed -n 1p)" latest | holds "^+ $SRC/c.txt$" || fail "diff from the retagged snapshot to the next"
gb restore latest --target "$W/r2" --quiet
compare "$SRC" "$W/r2$SRC" || fail "restore of the backup after a tag change differs"

step "tag without SNAPSHOT: every snapshot the filter chooses (restic)"
gb tag --add all --quiet
[ "$(gb snapshots --tag all --json 2> /dev/null | grep -c '"short_id"')" = 2 ] || fail "tag without ids did not tag every snapshot"
gb tag --remove all --tag later --quiet
[ "$(gb snapshots --tag all --json 2> /dev/null | grep -c '"short_id"')" = 1 ] || fail "tag --tag later changed a snapshot without 'later'"

step "killed between storing the copy and forgetting the original: both listed, the rerun finishes"
before=$(ids | sed -n 1p)
full_before=$(ls "$REPO/forgotten" | sort)
gb tag --add crash "$before" --quiet
# What a kill -9 between the two writes leaves: the copy without the tombstone.
for t in $(ls "$REPO/forgotten" | sort | comm -13 <(echo "$full_before") -); do rm "$REPO/forgotten/$t"; done
[ "$(count)" = 3 ] || fail "the interrupted state does not list the original and the copy"
gb tag --add crash "$before" | holds "finishing an interrupted change" || fail "the rerun did not finish the interrupted change"
[ "$(count)" = 2 ] || fail "after the rerun the original is still listed"

step "kill -9 at random moments of a tag over many snapshots; nothing lost, the rerun converges"
for i in $(seq 1 8); do
  head -c $((10 * i)) /dev/zero > "$SRC/a.txt"   # each backup's size tells it apart
  gb backup "$SRC" --quiet
done
n=$(count)
gb snapshots --json 2> /dev/null | python3 -c 'import json, sys; [print(s["time"], s["bytes"]) for s in json.load(sys.stdin)]' | sort > "$W/backups.txt"
for k in 1 2 3 4 5 6; do
  "$GB" --cap-file "$CAP" tag --add "round$((k % 2))" --quiet > /dev/null 2>&1 &
  p=$!
  sleep "0.0$((RANDOM % 9))$((RANDOM % 10))"
  kill -9 "$p" 2> /dev/null || true
  wait "$p" 2> /dev/null || true
done
gb unlock > /dev/null 2>&1 || true
gb snapshots --json 2> /dev/null | python3 -c 'import json, sys; [print(s["time"], s["bytes"]) for s in json.load(sys.stdin)]' | sort -u > "$W/after.txt"
diff "$W/backups.txt" "$W/after.txt" > /dev/null || { diff "$W/backups.txt" "$W/after.txt"; fail "a killed tag lost a backup"; }
gb tag --add round0,round1 --quiet
[ "$(count)" = "$n" ] || fail "after killed tags and a rerun: $(count) snapshots listed, not $n"
[ "$(gb snapshots --tag round0,round1 --json 2> /dev/null | grep -c '"short_id"')" = "$n" ] || fail "the rerun did not tag every snapshot"
gb snapshots > /dev/null 2> "$W/s2.err"
grep -q WARNING "$W/s2.err" && fail "seen-objects warns after killed tags: $(cat "$W/s2.err")"
gb restore latest --target "$W/r3" --quiet
compare "$SRC" "$W/r3$SRC" || fail "restore after killed tags differs"
pass "tags: backup --tag, tag --add/--remove/--set, atomic under kill -9, seen-objects quiet"
