# A grid of real servers: two file members, one SFTP member (OpenSSH on a
# loopback port) and two S3 members (buckets in OpenStack Swift with s3api,
# via scripts/swift-saio), 3 of 5. Back up; stop Swift (two members down) and
# restore byte-exact; bring it back, stop sshd and wipe a file member, restore
# byte-exact; back up while sshd is down (under-replicated), then repair with
# kill -9 in the middle and resume; damaged shares on the SFTP member are
# skipped and rewritten. Ends with every object on five members.
#
# Exit 77 (skip, loudly) only when sshd or Swift cannot be installed or started.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/grid_lib.sh"
source "$GB_TESTS/tools/sshd_lib.sh"
source "$GB_TESTS/tools/swift_lib.sh"
skip() {
  echo "=================================================================" >&2
  echo "SKIPPED grid_remote_members: $*" >&2
  echo "The grid was NOT tested with SFTP and S3 members." >&2
  echo "=================================================================" >&2
  exit 77
}
sshd_ensure_installed || skip "$SSHD_ERROR"
swift_ensure_installed || skip "$SWIFT_ERROR"
trap 'sshd_stop; swift_cleanup; rm -rf "$W"' EXIT
sshd_start "$W/ssh" || skip "$SSHD_ERROR"
export HOME=$W/ssh/home   # the key and known_hosts are found there, as for a real user
step "starting Swift"
swift_start "$W/saio" 120 > "$W/saio.log" 2>&1 || { cat "$W/saio.log" >&2; skip "$SWIFT_ERROR"; }
step "Swift ready, proxy on 127.0.0.1:$PROXY_PORT; sshd on $SSHD_PORT"
export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE

member_url() {
  case $1 in
    0|1) echo "$M/m$1" ;;
    2) echo "sftp://$(id -un)@127.0.0.1:$SSHD_PORT$M/m2?retries=1" ;;
    3) echo "s3://127.0.0.1:$PROXY_PORT/gbgrid-a?scheme=http&retries=1" ;;
    4) echo "s3://127.0.0.1:$PROXY_PORT/gbgrid-b/below/here?scheme=http&retries=1" ;;
  esac
}
grid_source 40 25000000
step "init and backup to file, file, sftp, s3, s3"
init_grid
gb backup "$SRC" --quiet
gb grid verify > "$W/v.txt" || { cat "$W/v.txt"; fail "verify after the backup failed"; }
grep -q ' 0 under-replicated, 0 unreadable' "$W/v.txt" || fail "verify: $(cat "$W/v.txt")"
pass "backup over file, SFTP and S3 members: $(tail -1 "$W/v.txt")"

step "Swift stopped: both S3 members down"
swift_stop proxy
gb restore latest --target "$W/r1" --quiet || fail "restore with the S3 members down failed"
compare "$SRC" "$W/r1$SRC" > /dev/null || fail "restore with the S3 members down differs"
pass "restore byte-exact with Swift stopped (two members down)"

step "Swift back; sshd stopped and file member m0 wiped"
swift_start_servers proxy
swift_wait 60 || fail "Swift did not come back: $SWIFT_ERROR"
sshd_stop
mv "$M/m0" "$M/m0.wiped"
gb restore latest --target "$W/r2" --quiet || fail "restore with sftp down and m0 wiped failed"
compare "$SRC" "$W/r2$SRC" > /dev/null || fail "restore with sftp down and m0 wiped differs"
# The restore stored (and removed) its lock on the members it reached,
# which recreated m0's directory: clear it before moving m0 back.
rm -rf "$M/m0"
mv "$M/m0.wiped" "$M/m0"
pass "restore byte-exact with the SFTP member down and a file member wiped"

step "backup while sshd is down"
for i in $(seq 1 10); do head -c $((RANDOM * 8)) /dev/urandom > "$SRC/while-down-$i"; done
gb backup "$SRC" --quiet || fail "backup with the SFTP member down failed"
rc=0; gb grid status > "$W/status.txt" || rc=$?
[ "$rc" -eq 3 ] && grep -q '^  m2 = sftp.*UNREACHABLE' "$W/status.txt" || { cat "$W/status.txt"; fail "status does not show the SFTP member down"; }
grep -q 'recorded as under-replicated' "$W/status.txt" || fail "the backup did not record under-replicated objects"
sshd_restart || fail "sshd did not restart: $SSHD_ERROR"
pass "backup with the SFTP member down succeeded and was recorded as under-replicated"

step "repair, killed with -9 in the middle, then resumed"
rm -rf "$M/m1"
cursor_of() { ls "$GRIDBACKUP_STATE_DIR"/grid-*/repair.cursor 2>/dev/null || true; }
"$GB" --cap-file "$CAP" repair --quiet > /dev/null 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null && [ -z "$(cursor_of)" ]; do sleep 0.01; done
kill -9 "$pid" 2>/dev/null && echo "killed the repair after $(cat "$(cursor_of)" 2>/dev/null)"
wait "$pid" 2>/dev/null || true
gb repair > "$W/repair.txt" 2>&1 || { cat "$W/repair.txt"; fail "repair after kill -9 failed"; }
gb grid verify --json > "$W/v.json" || { cat "$W/v.json"; fail "verify after repair failed"; }
/usr/bin/python3 - "$W/v.json" <<'PY' || fail "not every object has five good shares on five members"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["objects"] > 0 and d["summary"]["healthy"] == d["summary"]["objects"], d["summary"]
for o in d["objects"]:
    members = {s["member"] for s in o["shares"] if s["state"] == "good"}
    assert o["good"] == 5 and members == {"m0", "m1", "m2", "m3", "m4"}, o
PY
pass "repair after kill -9: every object has five good shares, one on each member"

step "damaged shares on the SFTP member"
for f in $(find "$M/m2" -name 's*.*' -type f | head -20); do
  /usr/bin/python3 -c 'import sys,os
p=sys.argv[1]; n=os.path.getsize(p)
with open(p,"r+b") as f:
    f.seek(n-1); b=f.read(1); f.seek(n-1); f.write(bytes([b[0]^1]))' "$f"
done
gb restore latest --target "$W/r3" --quiet
compare "$SRC" "$W/r3$SRC" > /dev/null || fail "restore with damaged SFTP shares differs"
rc=0; gb grid verify > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "verify did not find the damaged SFTP shares (exit $rc)"
gb repair --quiet > /dev/null || fail "repair of the damaged SFTP shares failed"
gb grid verify > /dev/null || fail "verify after repairing the SFTP shares failed"
pass "damaged shares on the SFTP member: skipped by restore, found by verify, rewritten by repair"
step "done"
