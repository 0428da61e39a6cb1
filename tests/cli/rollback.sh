# A repository that goes back is noticed (issue 21): this machine keeps what
# it saw (state dir, seen-objects) and verify fails with a rollback report,
# other commands warn, when the newest snapshot object is deleted, when a
# tombstone in forgotten/ is deleted, and when an older copy of the whole
# repository is put back. A legitimate forget + prune raises nothing.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
init_repo
snap() { gb backup "$SRC" --json | backup_summary - snapshot; }
echo 1 > "$SRC/f"; S1=$(snap)
echo 2 > "$SRC/f"; S2=$(snap)
echo 3 > "$SRC/f"; S3=$(snap)
gb forget "$S1" > /dev/null
gb prune --grace 0 > /dev/null
gb verify > "$W/v0.txt" 2>&1 || { cat "$W/v0.txt"; fail "verify after a legitimate forget + prune fails"; }
[ "$(stat -c %a "$GRIDBACKUP_STATE_DIR"/*/seen-objects)" = 600 ] || fail "the seen-objects file is not 0600"
pass "forget + prune is not a rollback; the record is 0600"
cp -a "$REPO" "$W/old-copy"

# 1. The newest snapshot object deleted.
rm "$REPO/snapshots/$S3"
rc=0; gb verify > "$W/v1.txt" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat "$W/v1.txt"; fail "verify passes with the newest snapshot deleted"; }
grep -q "snapshot ${S3:0:8}, seen here before, is gone" "$W/v1.txt" || { cat "$W/v1.txt"; fail "verify does not name the deleted snapshot"; }
gb snapshots > /dev/null 2> "$W/s1.err"
grep -q "WARNING: snapshot ${S3:0:8}" "$W/s1.err" || { cat "$W/s1.err"; fail "snapshots does not warn"; }
pass "deleted newest snapshot: verify exit $rc, snapshots warns"
cp "$W/old-copy/snapshots/$S3" "$REPO/snapshots/$S3"
gb verify > /dev/null 2>&1 || fail "verify still fails once the snapshot is back"

# 2. A tombstone deleted (the forgotten snapshot would come back).
gb forget "$S2" > /dev/null
gb snapshots > /dev/null
rm "$REPO/forgotten/$S2"
rc=0; gb verify > "$W/v2.txt" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat "$W/v2.txt"; fail "verify passes with a tombstone deleted"; }
grep -q "tombstone of snapshot ${S2:0:8}" "$W/v2.txt" || { cat "$W/v2.txt"; fail "verify does not name the deleted tombstone"; }
pass "deleted tombstone: verify exit $rc"
rm -f "$GRIDBACKUP_STATE_DIR"/*/seen-objects   # accept the repository as it is now
gb verify > /dev/null 2>&1 || fail "verify still fails after the record was deleted"

# 3. An older copy of the whole repository put back.
echo 4 > "$SRC/f"; S4=$(snap)
rm -rf "$REPO"; cp -a "$W/old-copy" "$REPO"
rc=0; gb verify > "$W/v3.txt" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || { cat "$W/v3.txt"; fail "verify passes on an older copy of the repository"; }
grep -q "snapshot ${S4:0:8}, seen here before, is gone" "$W/v3.txt" || { cat "$W/v3.txt"; fail "verify does not name the snapshot the old copy lacks"; }
gb restore latest --target "$W/r" --quiet 2> "$W/r.err" || true
grep -q "WARNING: .*rolled back" "$W/r.err" || { cat "$W/r.err"; fail "restore of the rolled-back repository does not warn"; }
pass "older copy of the repository: verify exit $rc, restore warns"
