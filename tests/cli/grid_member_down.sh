# A member down during backup (its directory replaced by a plain file, which
# stops root too): the backup succeeds, the shares meant for it go to the next
# member, the objects are recorded as under-replicated; status and verify say
# so; restore works; once the member is back, repair spreads every object over
# five members again and clears the record. Two members down: fewer than
# happy=4 members can take shares and the backup fails with a clear sentence.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
grid_source 30 18000000
init_grid

take_down 2
gb backup "$SRC" --quiet || fail "backup with one member down failed"
[ -n "$(ls "$M"/m0/_grid/under/data 2>/dev/null)" ] || fail "no under-replication record was written"
rc=0; gb grid status > "$W/status.txt" || rc=$?
[ "$rc" -eq 3 ] || { cat "$W/status.txt"; fail "grid status with a member down: exit $rc, expected 3"; }
grep -q '^  m2 = .*  MISSING' "$W/status.txt" || fail "status does not show m2 down: $(cat "$W/status.txt")"
grep -q 'recorded as under-replicated at upload' "$W/status.txt" || fail "status does not mention the record"
/usr/bin/python3 - "$M" <<'PY' || fail "shares meant for the down member were not placed on the next one"
import os, re, sys
root = sys.argv[1]
held = {}
for member in os.listdir(root):
    base = os.path.join(root, member)
    if not os.path.isdir(base) or member.endswith('.away'): continue
    for dp, ds, fs in os.walk(base):
        for f in fs:
            m = re.match(r'^s(\d+)\.\d+$', f)
            if m: held.setdefault(os.path.relpath(dp, base), []).append((int(m.group(1)), member))
assert held
for obj, shares in held.items():
    if obj == 'config': continue   # written by init, before m2 went down
    assert sorted(i for i, _ in shares) == [0, 1, 2, 3, 4], (obj, shares)   # all five shares stored
    assert len({m for _, m in shares}) == 4, (obj, shares)                  # on the four members up
PY
rc=0; gb grid verify > "$W/v.txt" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || { cat "$W/v.txt"; fail "verify with a member down: exit $rc, expected 3"; }
gb restore latest --target "$W/r1" --quiet
compare "$SRC" "$W/r1$SRC" > /dev/null || fail "restore with a member down differs"
pass "member down during backup: all five shares on the four others, recorded, restore byte-exact"

bring_back 2
gb repair > "$W/repair.txt" || { cat "$W/repair.txt"; fail "repair with the member back failed"; }
check_spread "after the member came back and repair ran"
left=$(find "$M" -path '*/_grid/under/*' -type f)
[ -z "$left" ] || fail "repair left under-replication records: $left"
gb grid status > "$W/status.txt" || fail "status after repair: $(cat "$W/status.txt")"
! grep -q 'under-replicated' "$W/status.txt" || fail "status still reports under-replicated objects"
pass "member back: repair spreads every object over five members and clears the records"

# Two members down: only three members could take shares, happy=4 are needed.
take_down 1
take_down 3
head -c 100000 /dev/urandom > "$SRC/new-file"
rc=0; gb backup "$SRC" --no-progress > "$W/b.txt" 2> "$W/b.err" || rc=$?
[ "$rc" -ne 0 ] || fail "backup with two members down succeeded"
grep -q 'only 3 of 5 members took a share, and 4 are needed (happy)' "$W/b.err" || { cat "$W/b.err"; fail "no clear sentence for too few members"; }
no_crash_in "$W/b.err" "backup"
bring_back 1
bring_back 3
gb backup "$SRC" --quiet || fail "backup with every member back failed"
gb restore latest --target "$W/r2" --quiet
compare "$SRC" "$W/r2$SRC" > /dev/null || fail "restore after the failed backup differs"
gb repair --quiet > /dev/null || fail "final repair failed"
check_spread "at the end"
pass "two members down: backup refused with a clear sentence (exit $rc); nothing lost once they are back"
