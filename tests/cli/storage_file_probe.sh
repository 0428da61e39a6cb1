#!/bin/bash
# The backend_probe conformance sequence against the file:// backend: keeps
# the probe itself honest (every remote backend must behave like this one)
# and costs well under a second.
set -euo pipefail
probe=${GB_PROBE:-}
[ -x "$probe" ] || { echo "FAIL: GB_PROBE does not name the backend_probe binary" >&2; exit 1; }
t=$(mktemp -d /tmp/gb-fileprobe.XXXXXX)
trap 'rm -rf "$t"' EXIT
"$probe" conformance "file://$t/repo" --objects 200 --threads 4 --big-mib 3
"$probe" expect "file://$t/repo" NotFound get missing/object
