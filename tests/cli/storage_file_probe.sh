#!/bin/bash
# The backend_probe conformance sequence against the file:// backend: keeps
# the probe itself honest (every remote backend must behave like this one)
# and costs well under a second.
set -euo pipefail
source "${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}/tools/test_steps.sh"
need_probe
t=$(mktemp -d /tmp/gb-fileprobe.XXXXXX)
trap 'rm -rf "$t"' EXIT
"$probe" conformance "file://$t/repo" --objects 200 --threads 4 --big-mib 3
"$probe" expect "file://$t/repo" NotFound get missing/object
