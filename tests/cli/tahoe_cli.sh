#!/bin/bash
# gridbackup on a tahoe:// repository, against tests/storage/tahoe_mock.py
# (an imitation of a Tahoe-LAFS 1.17 node's web API that makes missing parent
# directories the way the real node does: concurrent PUTs into one missing
# directory each answer 201, only the last child stays linked).
# Checks: a first backup whose packs go up in parallel into missing data/XX/
# directories keeps every pack (verify --read-data, byte-exact restore);
# a read-only cap lists and restores; init and every other command print the
# dircap only redacted; too few storage servers: one sentence, no retries.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/tahoe_lib.sh"
need_python3 tahoe_cli "tahoe://"
trap 'stop_mock; rm -rf "$W"' EXIT
# Making a directory takes the real node a while (a new RSA key): long enough
# here that two packs meet in the window.
export TAHOE_MOCK_MKDIR_DELAY=1
start_tahoe_mock "$W"
URL="tahoe://127.0.0.1:$TAHOE_PORT/uri/$TAHOE_CAP/gb"
secret=${TAHOE_CAP#URI:DIR2:}
secret=${secret:8}  # all but the first characters of the cap

echo "--- init prints the repository URL with the cap redacted"
"$GB" init --repo "$URL" --cap-file "$CAP" > "$W/cap.txt" 2> "$W/init.err"
cat "$W/init.err"
grep -q "Created repository tahoe://127.0.0.1:$TAHOE_PORT/uri/URI:DIR2:....…/gb" "$W/init.err" || fail "init does not name the repository redacted"
if grep -qF "$secret" "$W/init.err"; then fail "init printed the whole dircap on stderr"; fi
pass "init shows the cap redacted"

echo "--- first backup: 4 packs uploaded in parallel into missing data/XX/"
mkdir -p "$W/src"
for i in 1 2 3 4 5; do head -c 12582912 /dev/urandom > "$W/src/f$i.bin"; done
gb backup "$W/src" --parallel 4 --no-progress > "$W/b1.out" 2> "$W/b1.err" || { cat "$W/b1.err" >&2; fail "backup failed"; }
npacks=$(grep -c '^PUT [^ ]*/gb/data/' "$W/requests.log" || true)
echo "pack PUTs: $npacks"
gb verify --read-data > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" >&2; fail "verify --read-data failed: packs were lost"; }
gb restore latest --target "$W/r1" --quiet 2> "$W/r1.err" || { cat "$W/r1.err" >&2; fail "restore failed"; }
compare "$W/src" "$W/r1$W/src" || fail "the restore differs from the source"
pass "every pack is linked: verify --read-data and a byte-exact restore"

echo "--- a read-only cap (URI:DIR2-RO) lists and restores"
ro=$(tahoe_readonly_cap)
RO_URL="tahoe://127.0.0.1:$TAHOE_PORT/uri/$ro/gb"
gb snapshots --repo "$RO_URL" > "$W/ro.txt" 2>&1 || { cat "$W/ro.txt" >&2; fail "snapshots through the read-only cap failed"; }
gb restore latest --repo "$RO_URL" --target "$W/r-ro" --quiet 2> "$W/ro.err" || { cat "$W/ro.err" >&2; fail "restore through the read-only cap failed"; }
compare "$W/src" "$W/r-ro$W/src" || fail "the restore through the read-only cap differs"
pass "a read-only cap lists and restores"

echo "--- no command prints the whole cap"
for cmd in "snapshots" "status" "verify" "ls latest"; do
  gb $cmd > "$W/o.txt" 2>&1 || true
  if grep -qF "$secret" "$W/o.txt"; then cat "$W/o.txt" >&2; fail "'$cmd' printed the whole dircap"; fi
done
gb backup "$W/src" --no-progress --repo "$URL?retries=1" > "$W/o.txt" 2>&1 || true
if grep -qF "$secret" "$W/o.txt"; then fail "backup printed the whole dircap"; fi
pass "snapshots, status, verify, ls and backup show the cap redacted"
echo "--- a grid with a Tahoe member: init and grid status show the member's cap redacted"
G_URL="grid:k=1|$URL-grid|$W/grid-m2"
# (init's standard output is the root cap itself, which holds the URL: only its messages count)
"$GB" init --repo "$G_URL" --cap-file "$W/grid.cap" > /dev/null 2> "$W/o.txt" || { cat "$W/o.txt" >&2; fail "init of a grid with a Tahoe member failed"; }
"$GB" grid status --cap-file "$W/grid.cap" >> "$W/o.txt" 2>&1 || { cat "$W/o.txt" >&2; fail "grid status failed"; }
grep -q 'reachable' "$W/o.txt" || { cat "$W/o.txt" >&2; fail "grid status listed no member"; }
if grep -qF "$secret" "$W/o.txt"; then cat "$W/o.txt" >&2; fail "init or grid status printed a member's whole dircap"; fi
pass "a grid's Tahoe member is shown redacted"
echo "--- 2 of the 3 storage servers needed: backup fails at once with one sentence in words"
tahoe_mock_control servers=2
before=$(grep -c '^PUT' "$W/requests.log")
head -c 100000 /dev/urandom > "$W/src/new.bin"
expect_fail 1 'only 2 of the 3 storage servers needed are reachable' gb backup "$W/src" --no-progress
one_clear_sentence "$W/err.txt" 'storage servers needed'
[ $(($(grep -c '^PUT' "$W/requests.log") - before)) = 1 ] || fail "the unhappy upload was retried"
tahoe_mock_control servers=4
echo "--- all passed (against the imitation of the web API, not a live grid)"
