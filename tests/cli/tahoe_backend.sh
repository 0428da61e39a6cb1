#!/bin/bash
# The tahoe:// backend against tests/storage/tahoe_mock.py, a local imitation
# of a Tahoe-LAFS node's web API built from its documentation.
# NOT a live Tahoe-LAFS grid: Debian 12 has no tahoe-lafs package.
#
# The imitation answers as a real Tahoe-LAFS 1.17.1 node was seen to (issue
# 20; see the top of tahoe_mock.py).
# Checks: the backend_probe conformance sequence in a subdirectory of the cap
# and at the cap itself (small objects are URI:LIT: caps, a 416 has no
# Content-Range); immutable uploads (format=CHK) with plain-text errors asked
# for; the cap never printed; concurrent puts into a missing directory from
# separate processes all stay linked; errors from HTML pages and tracebacks
# readable; an unknown cap (410 Gone, "no shares") Transient after retries, an
# unparseable one said so; a read-only cap reads and refuses writes at once;
# too few storage servers Permanent, in words; a file with too few shares
# (410) Transient; PUT onto a directory and below a file Permanent; the
# upload rate limit; a hanging node and a stopped node Transient.
set -euo pipefail

tests=${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
source "$tests/tools/test_steps.sh"
need_probe
source "$tests/tools/tahoe_lib.sh"
need_python3 tahoe_backend "tahoe://"

t=$(mktemp -d /tmp/gb-tahoe.XXXXXX)
trap 'stop_mock; rm -rf "$t"' EXIT
start_tahoe_mock "$t"
port=$TAHOE_PORT cap=$TAHOE_CAP
base="tahoe://127.0.0.1:$port/uri/$cap"

echo "--- conformance in a subdirectory of the cap"
out=$("$probe" conformance "$base/backups/host1" --objects 60 --threads 4 --big-mib 3)
echo "$out"
echo "--- conformance at the cap itself"
out2=$("$probe" conformance "$base" --objects 10 --threads 2)
echo "$out2"
if grep -qF "${cap#URI:DIR2:}" <<<"$out$out2"; then fail "the directory cap was printed"; fi

echo "--- every upload was immutable (format=CHK), every request asked for text errors"
grep -q '^PUT ' "$t/requests.log" || fail "no uploads were logged"
if grep '^PUT ' "$t/requests.log" | grep -v 'format=CHK' | holds .; then fail "an upload without format=CHK"; fi
if grep -v 'accept=text/plain' "$t/requests.log" | holds .; then fail "a request without Accept: text/plain"; fi

echo "--- missing object, a directory is not an object"
"$probe" expect "$base/backups" NotFound get nothing/here
"$probe" expect "$base" NotFound stat backups

echo "--- a cap the node has no shares for: 410 Gone, Transient after retries"
out=$("$probe" expect "tahoe://127.0.0.1:$port/uri/URI:DIR2:aaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb?retries=1" Transient get x)
echo "$out"
grep -q 'HTTP 410: NoSharesError' <<<"$out" || fail "the message does not give the node's answer"
if grep -q 'bbbbbbbbbbbbbbbbbbbb' <<<"$out"; then fail "the cap was printed"; fi

echo "--- an error page of a directory lookup (HTML, whatever Accept says) gives its message"
out=$("$probe" expect "$base" NotFound get no/such/object)
echo "$out"
grep -q 'HTTP 404: No such child: no' <<<"$out" || fail "the 404 page's message is not shown"

echo "--- a cap the node cannot parse: 200 [\"unknown\", {}] at the cap, 404 below it"
out=$("$probe" expect "tahoe://127.0.0.1:$port/uri/URI:DIR2:tooshort:cap" InvalidArgument exists)
echo "$out"
grep -q 'does not recognise URI:DIR2:' <<<"$out" || fail "an unparseable cap is not named as such"
"$probe" expect "tahoe://127.0.0.1:$port/uri/URI:DIR2:tooshort:cap" NotFound get x

echo "--- 6 processes put at once into one missing directory: all stay linked"
pids=()
for i in 1 2 3 4 5 6; do "$probe" put "$base" race/new/object$i 4096 > "$t/race$i.log" 2>&1 & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || { cat "$t"/race*.log >&2; fail "a concurrent put failed"; }; done
for i in 1 2 3 4 5 6; do "$probe" check "$base" race/new/object$i 4096 > /dev/null || fail "race/new/object$i was lost"; done
echo "ok: 6 of 6 linked"

echo "--- a read-only cap (URI:DIR2-RO) reads; a write through it fails at once"
"$probe" put "$base" ro/object 100000 > /dev/null
ro=$(tahoe_readonly_cap)
ro_base="tahoe://127.0.0.1:$port/uri/$ro"
"$probe" check "$ro_base" ro/object 100000
out=$("$probe" expect "$ro_base" Permanent put ro/other 100000)
echo "$out"
grep -q 'read-only' <<<"$out" || fail "the refusal does not say the cap is read-only"
[ "$(grep -c '^PUT [^ ]*/ro/other' "$t/requests.log")" -le 1 ] || fail "a write through a read-only cap was retried"
if grep -qF "${ro#URI:DIR2-RO:}" <<<"$out"; then fail "the read-only cap was printed"; fi

echo "--- 2 of the 3 storage servers needed (shares.happy=3): Permanent, in words, not retried"
tahoe_mock_control servers=2
out=$("$probe" expect "$base" Permanent put unhappy/object 100000)
echo "$out"
grep -q 'only 2 of the 3 storage servers needed are reachable' <<<"$out" || fail "unhappiness not said in words"
[ "$(grep -c '^PUT [^ ]*/unhappy/object' "$t/requests.log")" = 1 ] || fail "an unhappy upload was retried"
tahoe_mock_control servers=1
"$probe" expect "$base" Permanent put unhappy/object2 100000 | grep 'only 1 of the 3 storage servers needed is reachable' || fail "one server: not said in words"
tahoe_mock_control servers=4

echo "--- a file with too few shares (410, one line): Transient, the line shown"
"$probe" put "$base" shares/gone 100000 > /dev/null
tahoe_mock_control unavailable=gone
out=$("$probe" expect "$base?retries=1" Transient get shares/gone)
echo "$out"
grep -q 'HTTP 410: NotEnoughSharesError' <<<"$out" || fail "the 410 line is not shown"

echo "--- PUT onto a directory (400) and below a file: Permanent"
"$probe" put "$base" kinds/sub/file 100 > /dev/null
"$probe" expect "$base" Permanent put kinds/sub 100 | grep 'PUT to a directory' || fail "400 not explained"
"$probe" expect "$base" Permanent put kinds/sub/file/below 100 | grep 'kinds/sub/file is a file, not a directory' || fail "a file in the way not explained"

echo "--- a cap that is not a directory cap is refused at once"
"$probe" expect "tahoe://127.0.0.1:$port/uri/URI:CHK:abc:def:3:10:5" InvalidArgument get x

echo "--- upload rate limit: 1 MiB at limit-upload=512 (KiB/s) takes about 2 s"
start=$(date +%s%N)
"$probe" put "$base?limit-upload=512" limited/object 1048576
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "took $elapsed_ms ms"
[ "$elapsed_ms" -ge 1500 ] || fail "the upload was not slowed down to 512 KiB/s"

echo "--- a node that hangs: Transient once timeout=1 (s) passes without a byte"
"$probe" expect "tahoe://127.0.0.1:$port/uri/URI:DIR2:stallstallstallstallstall:cccccccccccccccccccccccccccccccc?timeout=1&retries=1" Transient get x

echo "--- node stopped: Transient after retries"
stop_mock
"$probe" expect "$base?retries=2" Transient get x
echo "--- all passed (against the imitation of the web API, not a live grid)"
