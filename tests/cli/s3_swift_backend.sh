#!/bin/bash
# The s3:// backend against a real erasure-coded object store: OpenStack
# Swift from Debian's packages (s3api + tempauth, EC 4+2 over six object
# servers), started on 127.0.0.1 by scripts/swift-saio in a temporary
# directory. Installs Swift first when it is missing (as root, via apt).
#
# Checks: the backend_probe conformance sequence (paged listings, multipart,
# odd names, concurrent puts) in path and virtual-host style; fragments on
# all six devices; reads and writes with one object server stopped, reads
# with two stopped (and writes failing as Transient); a clear Permanent
# error for wrong credentials; Transient after retries for a stopped proxy.
# (Retry and abort paths a healthy server never takes: s3_fault_backend.sh.)
#
# Exit 77 (skip) only when Swift cannot be installed or started here.
set -euo pipefail

tests=${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
saio="$tests/../scripts/swift-saio"
source "$tests/tools/test_steps.sh"
need_probe
skip() { skip_untested s3_swift_backend "The s3:// backend against a real server" "$*"; }

# Install when missing, free ports, setup, start, wait: tests/tools/swift_lib.sh.
source "$tests/tools/swift_lib.sh"
swift_ensure_installed || skip "$SWIFT_ERROR"
dir=$(mktemp -d /tmp/gb-swift.XXXXXX)
trap swift_cleanup EXIT
step "setting up Swift in $dir"
swift_start "$dir" 120 || skip "$SWIFT_ERROR"
step "Swift ready, proxy on 127.0.0.1:$PROXY_PORT"

export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE
url="s3://127.0.0.1:$PROXY_PORT/gridbackup-test/repo?scheme=http"

step "conformance, path style: 250 objects listed in pages of 100, a 12 MiB multipart object (5 MiB parts)"
"$probe" conformance "$url&max-keys=100&multipart-threshold=8&part-size=5" --objects 250 --threads 4 --big-mib 12
grep -Eq 'partNumber(=|%3D)3' "$dir/log/proxy.log" || { echo "FAIL: the 12 MiB object was not sent in 3 parts" >&2; exit 1; }
grep -q 'continuation-token' "$dir/log/proxy.log" || { echo "FAIL: no paged listing reached the server" >&2; exit 1; }

step "conformance, virtual-host style (bucket.localhost), pages of 7"
"$probe" conformance "s3://localhost:$PROXY_PORT/gridbackup-vhost?scheme=http&style=virtual&max-keys=7" --objects 30 --threads 2
# The requests named the bucket only in the Host header; Swift logs its own path.
grep -q '/v1/AUTH_test/gridbackup-vhost' "$dir/log/proxy.log" ||
  { echo "FAIL: the virtual-host bucket never reached Swift" >&2; exit 1; }

step "erasure coding: an object is stored as fragments on all six devices"
"$probe" put "$url" ec/object 5000000
for n in 1 2 3 4 5 6; do
  find "$dir/srv/node$n/d$n" -path '*objects-1*' -name '*#d.data' | holds . ||
    { echo "FAIL: no EC fragment on device d$n" >&2; exit 1; }
done

step "one of six object servers stopped: reads and writes work"
"$saio" stop "$dir" object-2
"$probe" check "$url" ec/object 5000000
"$probe" put "$url" ec/written-with-five 200000
"$probe" check "$url" ec/written-with-five 200000

step "two stopped: reads still work; PUTs (which need 5) fail as Transient, multipart ones too"
"$saio" stop "$dir" object-5
"$probe" check "$url" ec/object 5000000
"$probe" check "$url" ec/written-with-five 200000
"$probe" expect "$url&retries=1" Transient put ec/needs-five-servers
"$probe" expect "$url&retries=1&multipart-threshold=5&part-size=5" Transient put ec/multipart-needs-five 6000000
"$saio" start "$dir" object-2 object-5

step "wrong secret: Permanent, with the server's error code"
out=$(AWS_SECRET_ACCESS_KEY=wrong "$probe" expect "$url" Permanent get ec/object)
echo "$out"
grep -q 'SignatureDoesNotMatch' <<<"$out" || { echo "FAIL: the message does not name SignatureDoesNotMatch" >&2; exit 1; }

step "no credentials at all: the backend does not open, and says why"
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME=/nonexistent "$probe" expect "$url" InvalidArgument get x)
echo "$out"
grep -q 'AWS_ACCESS_KEY_ID' <<<"$out" || { echo "FAIL: the message does not say how to give credentials" >&2; exit 1; }

step "proxy stopped: Transient after the retries"
"$saio" stop "$dir" proxy
"$probe" expect "$url&retries=2" Transient get ec/object

step "all passed"
