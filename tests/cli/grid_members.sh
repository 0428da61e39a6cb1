# Members come and go: `grid add` puts a sixth member in the cap (new objects
# use it); `grid retire` moves a member's shares to the others before the cap
# drops it, so the retired member can be deleted and nothing is lost; a dead
# member can be retired too (its shares are rebuilt from the others); retiring
# below n members is refused.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
grid_source 20
init_grid
gb backup "$SRC" --quiet
old_cap=$(cat "$CAP")

gb grid add "$M/m5" --id m5 > "$W/add.out" 2> "$W/add.err" || { cat "$W/add.err"; fail "grid add failed"; }
grep -q "m5=$M/m5" "$CAP" || fail "the cap file does not name the new member: $(cat "$CAP")"
[ "$(cat "$W/add.out")" = "$(cat "$CAP")" ] || fail "grid add did not print the new cap"
grep -q 'keep a copy' "$W/add.err" || fail "grid add does not tell to keep the new cap"
[ "$(cut -d: -f1-2 <<<"$old_cap")" = "$(cut -d: -f1-2 "$CAP")" ] || fail "grid add changed the secret of the cap"
gb snapshots > /dev/null || fail "the new cap does not open the repository"
# Each object leaves out one of the six members: with 15 new objects, m5 gets shares.
for round in 1 2 3 4 5; do
  for i in 1 2 3; do head -c $((RANDOM * 4)) /dev/urandom > "$SRC/g$round-$i"; done
  gb backup "$SRC" --quiet
done
[ -n "$(find "$M/m5" -name 's*.*' -type f)" ] || fail "no share went to the added member"
gb grid verify > /dev/null || fail "verify after adding a member failed"
pass "grid add: the cap names m5, new objects use it"

gb grid retire m1 > "$W/retire.out" 2> "$W/retire.err" || { cat "$W/retire.out" "$W/retire.err"; fail "grid retire failed"; }
grep -q "m1=" "$CAP" && fail "the cap still names the retired member: $(cat "$CAP")"
[ -z "$(find "$M/m1" -name 's*.*' -type f)" ] || fail "shares are left on the retired member"
rm -rf "$M/m1"
gb grid verify > "$W/v.txt" || { cat "$W/v.txt"; fail "verify after retiring m1 failed"; }
check_spread "after retiring m1"
gb restore latest --target "$W/r1" --quiet
compare "$SRC" "$W/r1$SRC" > /dev/null || fail "restore after retiring m1 differs"
pass "grid retire m1: its shares moved, m1 deleted, every object whole"

# Retiring with only n members left is refused.
expect_fail 2 'would leave 4 members for objects of n=5 shares; add a member first' gb grid retire m0

# A dead member: added m6, then m2 dies; retiring it rebuilds its shares elsewhere.
gb grid add "$M/m6" --id m6 > /dev/null 2>&1
take_down 2
gb grid retire m2 > "$W/retire2.out" 2> "$W/retire2.err" || { cat "$W/retire2.out" "$W/retire2.err"; fail "retiring a dead member failed"; }
rm -rf "$M/m2" "$M/m2.away"
gb grid verify > "$W/v.txt" || { cat "$W/v.txt"; fail "verify after retiring the dead m2 failed"; }
check_spread "after retiring the dead m2"
gb restore latest --target "$W/r2" --quiet
compare "$SRC" "$W/r2$SRC" > /dev/null || fail "restore after retiring the dead m2 differs"
pass "a dead member retired: its shares rebuilt on the others"
