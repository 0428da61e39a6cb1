#!/bin/bash
# The tahoe:// backend against tests/storage/tahoe_mock.py, a local imitation
# of a Tahoe-LAFS node's web API built from its documentation.
# NOT a live Tahoe-LAFS grid: Debian 12 has no tahoe-lafs package, so this
# checks the requests and the parsing of the documented answers only.
#
# Checks: the backend_probe conformance sequence in a subdirectory of the cap
# and at the cap itself; immutable uploads (format=CHK) with plain-text
# errors asked for; the cap never printed; an unknown cap (410 Gone, "no
# shares") Transient after retries; the upload rate limit; a hanging node and
# a stopped node Transient.
set -euo pipefail

probe=${GB_PROBE:-}
[ -x "$probe" ] || { echo "FAIL: GB_PROBE does not name the backend_probe binary" >&2; exit 1; }
tests=${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
fail() { echo "FAIL: $*" >&2; exit 1; }
if ! command -v python3 >/dev/null; then
  echo "SKIPPED tahoe_backend: no python3 to run the web API imitation; tahoe:// was NOT tested" >&2
  exit 77
fi

t=$(mktemp -d /tmp/gb-tahoe.XXXXXX)
mock_pid=
stop_mock() {
  if [ -n "$mock_pid" ]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    mock_pid=
  fi
}
trap 'stop_mock; rm -rf "$t"' EXIT

python3 "$tests/storage/tahoe_mock.py" "$t/port" "$t/requests.log" 2> "$t/mock.log" &
mock_pid=$!
for _ in $(seq 1 100); do
  [ -s "$t/port" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$t/mock.log" >&2; fail "the web API imitation did not start"; }
  sleep 0.1
done
read -r port cap < "$t/port"
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
if grep '^PUT ' "$t/requests.log" | grep -v 'format=CHK' | grep -q .; then fail "an upload without format=CHK"; fi
if grep -v 'accept=text/plain' "$t/requests.log" | grep -q .; then fail "a request without Accept: text/plain"; fi

echo "--- missing object, a directory is not an object"
"$probe" expect "$base/backups" NotFound get nothing/here
"$probe" expect "$base" NotFound stat backups

echo "--- a cap the node has no shares for: 410 Gone, Transient after retries"
out=$("$probe" expect "tahoe://127.0.0.1:$port/uri/URI:DIR2:aaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb?retries=1" Transient get x)
echo "$out"
grep -q 'HTTP 410' <<<"$out" || fail "the message does not give the node's answer"
if grep -q 'bbbbbbbbbbbbbbbbbbbb' <<<"$out"; then fail "the cap was printed"; fi

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
