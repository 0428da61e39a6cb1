# forget: by policy (--keep-last over real snapshots; time buckets are the
# unit tests' job) and by id; --dry-run changes nothing; forgotten snapshots
# leave `snapshots`, but a kept snapshot whose parents were forgotten still
# lists and restores byte-exact (the point of tombstones); bad arguments get
# one clear sentence and exit 2.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
OTHER=$W/other
mkdir -p "$SRC/sub" "$OTHER"
echo one > "$SRC/a.txt"
head -c 200000 /dev/urandom > "$SRC/sub/big.bin"
echo other > "$OTHER/o.txt"
init_repo
ids() { gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))'; }
count() { set -- $(ids); echo $#; }

# Four snapshots of one line, each a delta on the one before.
for i in 1 2 3 4; do
  echo "version $i" >> "$SRC/a.txt"
  echo "new $i" > "$SRC/sub/f$i"
  gb backup "$SRC" --quiet --no-progress
  cp -a "$SRC" "$W/v$i"
done
read -r S1 S2 S3 S4 <<< "$(ids)"
[ -n "$S4" ] || fail "expected 4 snapshots, got: $(ids)"
gb snapshots --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
assert [x["parent"] for x in s[1:]] == [x["id"] for x in s[:-1]], "each snapshot should have the previous one as parent"
assert not s[3]["checkpoint"], "the 4th snapshot should be a delta"
' || fail "the four snapshots do not form one delta chain"
pass "4 snapshots, a delta chain"

# --dry-run: shows the plan, changes nothing.
gb forget --keep-last 2 --dry-run > "$W/dry.txt"
cat "$W/dry.txt"
grep -qE "^  keep    ${S4:0:8}  .*  last$" "$W/dry.txt" || fail "dry run does not keep the newest for 'last'"
grep -qE "^  keep    ${S3:0:8}  .*  last$" "$W/dry.txt" || fail "dry run does not keep the 2nd newest"
grep -qE "^  forget  ${S2:0:8}  " "$W/dry.txt" || fail "dry run does not list snapshot 2 to forget"
grep -qE "^  forget  ${S1:0:8}  " "$W/dry.txt" || fail "dry run does not list snapshot 1 to forget"
grep -q "^host .*, paths $SRC:$" "$W/dry.txt" || fail "dry run does not name the group"
grep -q "dry run: would forget 2 snapshots and keep 2; nothing was changed" "$W/dry.txt" || fail "dry run summary missing"
[ "$(count)" = 4 ] || fail "--dry-run forgot snapshots"
[ ! -e "$REPO/forgotten" ] || [ -z "$(ls -A "$REPO/forgotten")" ] || fail "--dry-run wrote tombstones"
pass "--dry-run lists the plan and leaves all 4"

# --json parses and says the same.
gb forget --keep-last 2 --dry-run --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['dry_run'] is True and d['kept'] == 2 and d['forgotten'] == 2, d
g = d['groups'][0]
assert g['paths'] == ['$SRC'], g
assert [k['id'] for k in g['keep']] == ['$S4', '$S3'] and all(k['reasons'] == ['last'] for k in g['keep']), g
assert [k['id'] for k in g['forget']] == ['$S2', '$S1'], g
" || fail "forget --json is wrong"
pass "forget --dry-run --json"

# For real: two tombstones, two snapshots left.
gb forget --keep-last 2 > "$W/forget.txt"
grep -q "forgot 2 snapshots, kept 2; run 'gridbackup prune' to free the space" "$W/forget.txt" || fail "forget did not say what it did: $(cat "$W/forget.txt")"
[ "$(ids)" = "$S3 $S4" ] || fail "after --keep-last 2, snapshots should be 3 and 4, not: $(ids)"
[ "$(ls "$REPO/forgotten" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$S1" "$S2" | sort | tr '\n' ' ')" ] || fail "tombstones are not forgotten/<id> of 1 and 2"
[ -e "$REPO/snapshots/$S1" ] || fail "forget deleted a snapshot object (that is prune's job)"
gb forget --keep-last 2 > "$W/again.txt"
grep -q "nothing to forget: 2 snapshots kept" "$W/again.txt" || fail "a second run should forget nothing: $(cat "$W/again.txt")"
pass "forget --keep-last 2 over 4 snapshots keeps 3 and 4"

# Snapshot 3 is a delta on forgotten 2 (on forgotten 1): it still restores.
gb restore "${S3:0:8}" --target "$W/r3" --quiet
compare "$W/v3" "$W/r3$SRC" || fail "snapshot 3 no longer restores after its parents were forgotten"
gb ls "${S3:0:8}" "$SRC/sub/f1" > /dev/null || fail "snapshot 3's view lost an entry from its forgotten parents"
expect_fail 1 "no snapshot has an id starting with '${S1:0:8}'" gb ls "${S1:0:8}"
expect_fail 1 "snapshot ${S2:0:8} was forgotten" gb ls "$S2"
pass "a kept snapshot whose parents were forgotten lists and restores byte-exact"

# Forget by id (a prefix): only snapshot 4 stays, and it restores through three forgotten parents.
gb forget "${S3:0:10}" > "$W/byid.txt"
grep -qE "^  forget  ${S3:0:8}  " "$W/byid.txt" || fail "forget by id does not list what it forgets: $(cat "$W/byid.txt")"
grep -q "forgot 1 snapshot; run 'gridbackup prune' to free the space" "$W/byid.txt" || fail "forget by id summary: $(cat "$W/byid.txt")"
[ "$(ids)" = "$S4" ] || fail "after forgetting 3, only 4 should be left, not: $(ids)"
gb restore latest --target "$W/r4" --quiet
compare "$W/v4" "$W/r4$SRC" || fail "snapshot 4 does not restore after 1-3 were forgotten"
verify_read_data_ok
pass "forget by id; the last snapshot restores through three forgotten parents; verify passes"

# The next backup takes the live snapshot as its parent and stays a delta.
echo "version 5" >> "$SRC/a.txt"
gb backup "$SRC" --json --no-progress > "$W/b5.json"
grep -q "\"parent\":\"$S4\"" "$W/b5.json" || fail "the next backup's parent is not snapshot 4: $(cat "$W/b5.json")"
gb restore latest --target "$W/r5" --quiet
compare "$SRC" "$W/r5$SRC" || fail "the backup after forget does not restore"
pass "a backup after forget builds on the live snapshot"

# --host and --path choose what the policy looks at; groups are separate.
gb backup "$OTHER" --quiet --no-progress
gb backup "$OTHER" --quiet --no-progress
gb backup "$OTHER" --host elsewhere --quiet --no-progress
[ "$(count)" = 5 ] || fail "expected 5 snapshots before the filters, got $(count)"
gb forget --keep-last 1 --path "$OTHER/" --dry-run --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['kept'] == 2 and d['forgotten'] == 1, d
assert sorted(g['host'] for g in d['groups']) == sorted(['elsewhere', '$(hostname)']), d
" || fail "--path with the default grouping is wrong"
gb forget --keep-last 1 --host elsewhere --json --dry-run | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['kept'] == 1 and d['forgotten'] == 0 and d['groups'][0]['host'] == 'elsewhere', d
" || fail "--host does not filter"
gb forget --keep-last 1 --group-by none --dry-run --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['kept'] == 1 and d['forgotten'] == 4 and d['groups'][0]['host'] is None and d['groups'][0]['paths'] is None, d
" || fail "--group-by none is wrong"
gb forget --keep-last 1 --host nobody > "$W/nobody.txt"
grep -q "nothing to forget: 0 snapshots kept" "$W/nobody.txt" || fail "--host with no snapshots: $(cat "$W/nobody.txt")"
gb forget --keep-last 1 --group-by host --path "$OTHER" > "$W/byhost.txt"
[ "$(count)" = 4 ] || fail "--group-by host --path should forget one snapshot: $(cat "$W/byhost.txt")"
pass "--host, --path and --group-by choose and group what the policy sees"

# Bad arguments: one clear sentence, exit 2, nothing forgotten.
before=$(ids)
bad() { expect_fail 2 "$1" gb forget "${@:2}"; one_clear_sentence "$W/err.txt" "$1"; }
bad 'at least one --keep-\* rule' 
bad 'at least one --keep-\* rule' --host x --dry-run
bad "gridbackup: --keep-daily needs a whole number from 1 to 1000000, not '0'" --keep-daily 0
bad "gridbackup: --keep-last needs a whole number from 1 to 1000000, not 'two'" --keep-last two
bad "gridbackup: --keep-weekly needs a whole number" --keep-weekly -3
bad "gridbackup: --keep-within: '7x' is not a duration" --keep-within 7x
bad "gridbackup: --keep-within: '3h2d' is not a duration" --keep-within 3h2d
bad "gridbackup: --group-by takes host,paths, host, paths or none, not 'tags'" --keep-last 1 --group-by tags
bad "gridbackup: --path .relative/dir. must be an absolute path" --keep-last 1 --path relative/dir
bad "forget takes snapshot ids or a policy" "${S4:0:8}" --keep-last 1
bad "'zz' is not a snapshot id" zz
bad "option --keep-last needs a value" --keep-last
[ "$(ids)" = "$before" ] || fail "a refused forget changed the snapshots"
pass "bad arguments are refused with one sentence"
