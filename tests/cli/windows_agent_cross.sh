#!/bin/bash
# The Windows USN agent: cross-compiled with mingw-w64 into build-win/ and its
# tests (translator, scenarios, agent loop, Win32 glue error path, service
# lifecycle) run under wine by scripts/windows-cross-test. About 2 minutes
# from scratch, seconds when build-win/ is current. Skips (77) loudly when
# the cross tools are missing: scripts/install-deps test installs them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in x86_64-w64-mingw32-g++-posix wine wineserver; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed, so the Windows agent was NOT cross-built or tested under wine (scripts/install-deps test)" >&2
    exit 77
  fi
done
exec "$root/scripts/windows-cross-test"
