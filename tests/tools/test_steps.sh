# Shared by every integration test, including those that do not drive the
# CLI (sourced, not run): timed step lines, failure, and a loud skip.
start_time=$SECONDS
step() { echo "--- [$((SECONDS - start_time)) s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# skip_untested TEST WHAT REASON: exit 77 (ctest: skipped) with a banner that
# says what was NOT tested, so a skip is never mistaken for a pass.
skip_untested() {
  echo "=================================================================" >&2
  echo "SKIPPED $1: $3" >&2
  echo "$2 was NOT tested." >&2
  echo "=================================================================" >&2
  exit 77
}
# need_probe: the backend_probe binary ctest names in GB_PROBE.
need_probe() {
  probe=${GB_PROBE:-}
  [ -x "$probe" ] || fail "GB_PROBE does not name the backend_probe binary"
}

# `... | holds PATTERN`: grep -q that reads its whole input first. grep -q
# leaves the pipe at its first match; a writer with more to say then dies of
# SIGPIPE, and pipefail fails the test (help, at two writes, did 22 in 50).
holds() {
  local all
  all=$(cat)
  grep -q "$@" <<< "$all"
}
