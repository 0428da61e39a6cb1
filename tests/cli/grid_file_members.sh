# The grid backend over five file members, 3 of 5: the backend conformance
# probe; a backup restores byte-exact with any two members wiped, verify
# reports what is missing and repair brings every object back to five good
# shares on five members; with three wiped the restore fails with one clear
# sentence instead of wrong data. Also: the cap stays short, suggest-k.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
need_probe

"$probe" conformance "grid:k=3|$W/probe/a|$W/probe/b|$W/probe/c|$W/probe/d|$W/probe/e" --objects 60 --threads 4 --big-mib 3 > "$W/probe.txt" ||
  { cat "$W/probe.txt"; fail "the grid backend fails the backend conformance probe"; }
pass "backend conformance probe on a 3-of-5 grid"

SRC=$W/src
make_odd_tree "$SRC"
for i in $(seq 1 40); do head -c $((RANDOM * 8)) /dev/urandom > "$SRC/sub/small$i"; done
head -c 20000000 /dev/urandom > "$SRC/big.bin"
init_grid
cap=$(cat "$CAP")
[ ${#cap} -le 200 ] || echo "note: the cap is ${#cap} characters"
gb backup "$SRC" --quiet
check_spread "after the backup"
gb grid verify > "$W/v0.txt" || { cat "$W/v0.txt"; fail "verify of a fresh backup failed"; }
grep -q ' 0 under-replicated, 0 unreadable' "$W/v0.txt" || fail "verify: $(cat "$W/v0.txt")"
gb verify --read-data > "$W/rv.txt" || { cat "$W/rv.txt"; fail "verify --read-data of the repository on a grid failed"; }
grep -q "gridbackup grid verify" "$W/rv.txt" || fail "verify on a grid does not point to grid verify"
pass "backup: every object has 5 shares on 5 members; $(cat "$W/spread.txt"); verify --read-data passes"

# Any two members lost: the restore is byte-exact.
for pair in "0 1" "1 3" "2 4" "0 4"; do
  set -- $pair
  mv "$M/m$1" "$M/m$1.away"; mv "$M/m$2" "$M/m$2.away"
  gb restore latest --target "$W/r-$1$2" --quiet || fail "restore with members $1 and $2 gone failed"
  compare "$SRC" "$W/r-$1$2$SRC" || fail "restore with members $1 and $2 gone differs"
  # The restore stored (and removed) its lock on the members it could
  # reach, which recreates a missing member's directory: clear it first.
  rm -rf "$M/m$1" "$M/m$2"
  mv "$M/m$1.away" "$M/m$1"; mv "$M/m$2.away" "$M/m$2"
  rm -rf "$W/r-$1$2"
done
pass "restore byte-exact with any of several pairs of members gone"

# Wipe two members for good: verify names the damage, repair rebuilds it.
rm -rf "$M/m1" "$M/m3"
rc=0; gb grid verify > "$W/v1.txt" 2> "$W/v1.err" || rc=$?
[ "$rc" -eq 3 ] || { cat "$W/v1.txt" "$W/v1.err"; fail "verify with two members wiped: exit $rc, expected 3"; }
grep -q 'under-replicated, 3 of 5 good shares on 3 members' "$W/v1.txt" || fail "verify does not say how many good shares are left: $(head -3 "$W/v1.txt")"
grep -q "gridbackup repair" "$W/v1.err" || fail "verify does not point to repair"
objects=$(grep -c 'under-replicated, 3 of 5' "$W/v1.txt")
gb grid verify --json > "$W/v1.json" || true
/usr/bin/python3 - "$W/v1.json" <<'PY' || fail "verify --json is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["under_replicated"] == len(d["objects"]) > 0, d["summary"]
for o in d["objects"]:
    assert o["good"] == 3 and o["readable"] and not o["healthy"], o
    assert {s["member"] for s in o["shares"]} <= {"m0", "m2", "m4"}, o
PY
pass "verify: $objects objects with 3 of 5 good shares, named per member (text and JSON)"
gb repair > "$W/repair.txt" || { cat "$W/repair.txt"; fail "repair failed"; }
grep -q "repaired $objects objects" "$W/repair.txt" || fail "repair: $(tail -2 "$W/repair.txt")"
check_spread "after repair"
gb grid verify > "$W/v2.txt" || { cat "$W/v2.txt"; fail "verify after repair failed"; }
gb restore latest --target "$W/r2" --quiet
compare "$SRC" "$W/r2$SRC" || fail "restore after repair differs"
pass "repair: every object back to 5 good shares on 5 members, restore byte-exact"

# A repaired grid survives the loss of two other members.
rm -rf "$M/m0" "$M/m2"
gb restore latest --target "$W/r3" --quiet
compare "$SRC" "$W/r3$SRC" || fail "restore from the repaired shares differs"
pass "the repaired shares restore on their own (m0 and m2 wiped now)"

# Three members gone: fewer than k shares; one sentence, exit 12, nothing written wrong.
rm -rf "$M/m4"
expect_fail 12 'cannot be rebuilt: 2 intact shares found of the 3 needed' gb restore latest --target "$W/r4"
[ ! -e "$W/r4$SRC/big.bin" ] || fail "a file was restored from too few shares"

# suggest-k: seed 000's calculation.
"$GB" grid suggest-k --n 5 --availability 0.9 --durability 0.999 > "$W/k.txt"
grep -q 'suggested: k=2' "$W/k.txt" || fail "suggest-k: $(cat "$W/k.txt")"
expect_fail 1 'no k reaches' "$GB" grid suggest-k --n 3 --availability 0.5 --durability 0.99999
expect_fail 2 'availability must be a probability' "$GB" grid suggest-k --n 3 --availability 2 --durability 0.9
expect_fail 2 "is not a usable grid: URL: k=4 is larger than n=3" "$GB" init --repo "grid:k=4|$W/x|$W/y|$W/z" --cap-file "$W/cap2"
pass "suggest-k and grid URL mistakes"
