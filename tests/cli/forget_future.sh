# forget's policy never weighs a snapshot dated more than 1 h after this
# machine's clock (docs/FORMAT.md, "Snapshots from the future"): a backup
# made under a clock set to 2099 (faketime, Debian: faketime) is listed as
# skipped and makes no real snapshot be forgotten, where counted it would
# have pushed one out of --keep-last and every one out of --keep-within; one
# 30 min ahead is within the allowance and counts; by id it can be forgotten.
source "$GB_TESTS/tools/cli_lib.sh"
command -v faketime > /dev/null || skip_untested cli.forget_future "forget with a snapshot dated in the future" "faketime is not installed (scripts/install-deps test)"
future() { FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$1" "$GB" --cap-file "$CAP" "${@:2}"; }
ids() { gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))'; }
init_repo
mkdir -p "$W/src"
for i in 1 2 3; do
  echo "version $i" > "$W/src/a.txt"
  gb backup "$W/src" --quiet --no-progress
done
echo forged > "$W/src/a.txt"
future '2099-01-01 00:00:00' backup "$W/src" --quiet --no-progress || fail "a backup under a clock set to 2099"
read -r S1 S2 S3 F <<< "$(ids)"
[ -n "$F" ] || fail "expected 4 snapshots: $(ids)"
gb snapshots | holds "2099-01-01" || fail "the forged snapshot is not dated 2099"
pass "3 real snapshots and one dated 2099"

step "the policy does not weigh it"
gb forget --keep-last 2 --dry-run > "$W/dry.txt"
cat "$W/dry.txt"
grep -qE "^  keep    ${S3:0:8}  .*  last$" "$W/dry.txt" || fail "the newest real snapshot is not kept as 'last'"
grep -qE "^  keep    ${S2:0:8}  .*  last$" "$W/dry.txt" || fail "the 2nd newest real snapshot is not kept as 'last'"
grep -qE "^  forget  ${S1:0:8}  " "$W/dry.txt" || fail "the oldest real snapshot is not the one forgotten"
grep -q "^dated more than 1 h after this machine's clock (a wrong clock or a forged snapshot), so the policy did not weigh them" "$W/dry.txt" ||
  fail "no sentence says why a snapshot was skipped"
grep -qE "^  skip    ${F:0:8}  2099-01-01 " "$W/dry.txt" || fail "the 2099 snapshot is not listed as skipped"
grep -q "dry run: would forget 1 snapshot and keep 2 (skipping 1 dated in the future); nothing was changed" "$W/dry.txt" || fail "dry run summary"
# keep-within is measured from the group's newest: counted, 2099 would make every real one old.
gb forget --keep-within 1d --json > "$W/within.json"
/usr/bin/python3 - "$W/within.json" "$F" << 'PY' || fail "forget --keep-within 1d --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kept"] == 3 and d["forgotten"] == 0, d
assert [s["id"] for s in d["skipped"]] == [sys.argv[2]], d["skipped"]
assert d["skipped"][0]["time"].startswith("2099-01-01"), d["skipped"]
PY
[ "$(ids)" = "$S1 $S2 $S3 $F" ] || fail "forget --keep-within 1d forgot something: $(ids)"
gb forget --keep-last 2 > "$W/forget.txt"
grep -q "forgot 1 snapshot, kept 2, skipped 1 dated in the future; run 'gridbackup prune'" "$W/forget.txt" || fail "forget summary: $(cat "$W/forget.txt")"
[ "$(ids)" = "$S2 $S3 $F" ] || fail "after --keep-last 2, the snapshots should be 2, 3 and the skipped one: $(ids)"
pass "a snapshot dated 2099 is skipped: keep-last keeps two real ones, keep-within all three"

step "within the allowance it counts; by id it goes"
echo half-hour > "$W/src/a.txt"
future "$(date -d '+30 min' '+%Y-%m-%d %H:%M:%S')" backup "$W/src" --quiet --no-progress || fail "a backup under a clock 30 min ahead"
H=$(ids | awk '{ print $3 }')
gb forget --keep-last 1 --dry-run > "$W/half.txt"
grep -qE "^  keep    ${H:0:8}  .*  last$" "$W/half.txt" || fail "a snapshot 30 min ahead is not weighed as the newest: $(cat "$W/half.txt")"
grep -qE "^  skip    ${F:0:8}" "$W/half.txt" || fail "the 2099 snapshot is not skipped"
gb forget "${F:0:8}" > "$W/byid.txt"
[ "$(ids)" = "$S2 $S3 $H" ] || fail "forget by id did not forget the 2099 snapshot: $(ids)"
gb forget --keep-last 5 | holds "nothing to forget: 3 snapshots kept$" || fail "no skipped line once the 2099 snapshot is forgotten"
pass "30 min ahead is weighed; the 2099 snapshot is forgotten by id"
