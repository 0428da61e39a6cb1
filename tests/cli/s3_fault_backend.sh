#!/bin/bash
# Failure paths of the s3:// backend that a healthy server never takes,
# against tests/storage/s3_fault_mock.py (an endpoint that misbehaves on
# purpose): a 503 then success is retried into a success; a 400 is not
# retried; a multipart upload whose part keeps failing, or whose completion
# answers 200 with an <Error>, fails as Transient and is aborted.
set -euo pipefail
tests=${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
source "$tests/tools/test_steps.sh"
need_probe
source "$tests/tools/mock_lib.sh"
need_python3 s3_fault_backend "The s3:// backend against a misbehaving endpoint"

t=$(mktemp -d /tmp/gb-s3fault.XXXXXX)
trap 'stop_mock; rm -rf "$t"' EXIT
start_mock s3_fault_mock.py "$t"
export AWS_ACCESS_KEY_ID=fault AWS_SECRET_ACCESS_KEY=fault
unset AWS_SESSION_TOKEN AWS_PROFILE
url="s3://127.0.0.1:$(cat "$t/port")/fault-bucket?scheme=http&retries=2&multipart-threshold=5&part-size=5"
count() { grep -c -- "$1" "$t/requests.log" || true; }

echo "--- 503 SlowDown, then 200: the put succeeds on the retry"
"$probe" put "$url" flaky-1 1000
[ "$(count '^PUT /fault-bucket/flaky-1$')" = 2 ] || fail "expected exactly 2 PUTs of flaky-1"

echo "--- 400: Permanent at once, no retry"
"$probe" expect "$url" Permanent put bad-request-1
[ "$(count 'bad-request-1')" = 1 ] || fail "a 400 was retried"

echo "--- a part that keeps failing: Transient after 3 attempts, upload aborted"
"$probe" expect "$url" Transient put fail-parts-1 6000000
[ "$(count '^PUT /fault-bucket/fail-parts-1?partNumber=1&uploadId=upload-1$')" = 3 ] || fail "the part was not tried 3 times"
[ "$(count '^DELETE /fault-bucket/fail-parts-1?uploadId=upload-1$')" = 1 ] || fail "the upload was not aborted"

echo "--- a completion that answers 200 with <Error>: Transient, retried, then aborted"
"$probe" expect "$url" Transient put complete-error-1 12000000
[ "$(count '^PUT /fault-bucket/complete-error-1?partNumber=')" = 3 ] || fail "expected 3 parts (5+5+1.4 MB)"
[ "$(count '^POST /fault-bucket/complete-error-1?uploadId=upload-1$')" = 3 ] || fail "the completion was not retried"
[ "$(count '^DELETE /fault-bucket/complete-error-1?uploadId=upload-1$')" = 1 ] || fail "the upload was not aborted"
echo "--- all passed"
