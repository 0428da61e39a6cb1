# Shared helpers for the CLI integration tests (sourced, not run).
# Each test gets a private scratch directory, removed on exit.
set -euo pipefail
: "${GB:?GB must point to the gridbackup binary (ctest sets it)}"
: "${GB_TESTS:?GB_TESTS must point to the tests directory}"
W=$(mktemp -d /var/tmp/gbtest.XXXXXX)
trap 'rm -rf "$W"' EXIT
export GRIDBACKUP_STATE_DIR=$W/state
# No config file of this machine or user changes what a test sees (tests/cli/config.sh writes its own).
export GRIDBACKUP_CONFIG=$W/user-config.toml GRIDBACKUP_SYSTEM_CONFIG=$W/system-config.toml
unset GRIDBACKUP_REPO GRIDBACKUP_CAP GRIDBACKUP_CAP_FILE
CAP=$W/cap
REPO=$W/repo
source "$GB_TESTS/tools/test_steps.sh"   # step, fail, skip_untested, need_probe
compare() { /usr/bin/python3 "$GB_TESTS/tools/treecompare.py" "$@"; }
pass() { echo "ok: $*"; }
skip() { echo "SKIPPED (loudly): $*" >&2; exit 77; }
gb() { "$GB" --cap-file "$CAP" "$@"; }
init_repo() { "$GB" init --repo "file://$REPO" --cap-file "$CAP" --quiet > "$W/cap.txt"; }
# no_crash_in FILE [WHAT]: FILE (a command's stderr) shows no crash or raw exception.
no_crash_in() {
  if grep -qiE 'terminate called|Aborted|Segmentation|what\(\)|internal error' "$1"; then
    cat "$1" >&2; fail "${2:-the command} crashed instead of reporting"
  fi
}
# one_clear_sentence ERRFILE PATTERN: stderr matches PATTERN, holds exactly one
# 'gridbackup:' sentence, and shows no crash.
one_clear_sentence() {
  grep -qE "$2" "$1" || { cat "$1" >&2; fail "the error does not match /$2/"; }
  no_crash_in "$1"
  [ "$(grep -c '^gridbackup: ' "$1")" = 1 ] || { cat "$1" >&2; fail "expected exactly one 'gridbackup:' sentence"; }
  pass "clear error: $(grep '^gridbackup: ' "$1")"
}
# backup_summary FILE|- [FIELD]: the summary line of `backup --json` (JSON
# lines: status, errors, then the summary), or one member of it.
backup_summary() { /usr/bin/python3 "$GB_TESTS/tools/backup_summary.py" "$@"; }
# beyond_opened FILE: the stderr in FILE without the "repository ID opened
# (URL)" line every command starts with (not under --quiet or --json).
beyond_opened() { grep -vE '^repository [0-9a-f]{8} opened \(' "$1" || true; }
# expect_fail CODE PATTERN CMD...: the command must exit CODE and print one
# clear line matching PATTERN on stderr, without a crash.
expect_fail() {
  local code=$1 pattern=$2; shift 2
  local rc=0
  "$@" > "$W/out.txt" 2> "$W/err.txt" || rc=$?
  [ "$rc" -eq "$code" ] || { cat "$W/err.txt" >&2; fail "expected exit $code, got $rc from: $*"; }
  grep -qE "$pattern" "$W/err.txt" || { cat "$W/err.txt" >&2; fail "stderr of '$*' does not match /$pattern/"; }
  no_crash_in "$W/err.txt" "'$*'"
  pass "exit $code: $(grep -E "$pattern" "$W/err.txt" | head -1)"
}
# make_odd_tree DIR: names and node types a backup must keep exactly.
make_odd_tree() {
  local d=$1
  mkdir -p "$d/sub/deeper" "$d/empty dir"
  echo hello > "$d/plain.txt"
  printf 'latin1 \xe9' > "$d/caf$(printf '\xe9')-latin1"        # not valid UTF-8
  printf 'bytes' > "$d/$(printf 'bad\xff\xfename')"
  printf 'newline' > "$d/$(printf 'new\nline')"
  echo dash > "$d/-leading-dash"
  echo space > "$d/ spaces  inside "
  echo utf8 > "$d/ünïcødé-名前"
  echo long > "$d/$(printf 'l%.0s' $(seq 1 250))"
  : > "$d/empty-file"
  head -c 2621440 /dev/urandom > "$d/sub/larger-than-a-segment.bin"   # 2.5 segments
  head -c 3145728 < <(yes 'compressible line of text') > "$d/sub/compressible.txt"
  ln "$d/plain.txt" "$d/sub/hardlink-to-plain"
  ln "$d/sub/larger-than-a-segment.bin" "$d/sub/deeper/hardlink-to-large"
  ln -s ../plain.txt "$d/sub/symlink-relative"
  ln -s /nonexistent/target "$d/sub/symlink-dangling"
  mkfifo "$d/sub/fifo"
  if [ "$(id -u)" = 0 ]; then
    mknod "$d/sub/chardev" c 1 3
    chown 1234:5678 "$d/sub/deeper"
    chown 4321:8765 "$d/plain.txt"
  fi
  chmod 4750 "$d/sub/larger-than-a-segment.bin"
  chmod 1777 "$d/empty dir"
  chmod 0600 "$d/-leading-dash"
  setfattr -n user.comment -v "an attribute" "$d/plain.txt" 2>/dev/null || true
  setfattr -n user.binary -v 0x00ff00 "$d/sub/deeper" 2>/dev/null || true
  touch -d '2001-02-03 04:05:06.123456789' "$d/ spaces  inside "
}

# init_at URL: a repository at URL, its cap in $CAP and, as a string, in
# $cap_string, which must carry URL.
init_at() {
  "$GB" init --repo "$1" --cap-file "$CAP" --quiet > "$W/cap.txt"
  cap_string=$(cat "$W/cap.txt")
  grep -qF "$1" <<<"$cap_string" || fail "the cap does not carry the repository URL: $cap_string"
}
# first_snapshot_round_trip SRC: make_odd_tree SRC plus SRC/four-mb.bin,
# backed up without errors (its JSON in $W/b1.json) and restored into $W/r1
# byte-exact with metadata.
first_snapshot_round_trip() {
  local src=$1
  make_odd_tree "$src"
  head -c 4194304 /dev/urandom > "$src/four-mb.bin"
  gb backup "$src" --json --no-progress > "$W/b1.json"
  grep -q '"errors":0' "$W/b1.json" || fail "first backup reported errors: $(cat "$W/b1.json")"
  gb restore latest --target "$W/r1" --quiet
  compare "$src" "$W/r1$src" || fail "restore of snapshot 1 differs from the source"
}
# second_snapshot_round_trip SRC: after a first backup of make_odd_tree SRC
# (plus SRC/four-mb.bin), changes it in the usual ways, backs up again, and
# checks that the delta snapshot and the first snapshot both restore exactly.
second_snapshot_round_trip() {
  local src=$1
  cp -a "$src" "$W/src-v1"
  dd if=/dev/urandom of="$src/four-mb.bin" bs=4096 count=1 seek=300 conv=notrunc status=none
  echo more >> "$src/plain.txt"
  rm "$src/-leading-dash"
  echo new > "$src/sub/deeper/new-file"
  mv "$src/sub/compressible.txt" "$src/renamed.txt"
  chmod 0700 "$src/sub"
  gb backup "$src" --json --no-progress > "$W/b2.json"
  grep -q '"checkpoint":false' "$W/b2.json" || fail "second backup should be a delta snapshot: $(cat "$W/b2.json")"
  grep -qE '"deltas":[1-9][0-9]*,' "$W/b2.json" || fail "the 4 MB file with one changed block was not stored as a delta: $(cat "$W/b2.json")"
  gb restore latest --target "$W/r2" --quiet
  compare "$src" "$W/r2$src" || fail "restore of snapshot 2 differs"
  local first
  first=$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["short_id"])')
  gb restore "$first" --target "$W/r1b" --quiet
  compare "$W/src-v1" "$W/r1b$src" --no-mtime-dirs || fail "snapshot 1 no longer restores exactly"
}
# restores_from_the_cap_alone SRC: on a machine with a fresh state dir and
# HOME=$W/fresh-home (holding what the caller put there: an SSH key), the
# cap string $cap_string alone lists the repository's 2 snapshots and
# restores the latest, which equals SRC.
restores_from_the_cap_alone() {
  (
    export HOME=$W/fresh-home GRIDBACKUP_STATE_DIR=$W/fresh-state
    "$GB" snapshots --cap "$cap_string" > "$W/cap-alone.txt"
    grep -q '^2 snapshots' "$W/cap-alone.txt" || fail "snapshots not listed from the cap alone"
    "$GB" restore latest --cap "$cap_string" --target "$W/r-cap" --quiet
  )
  compare "$1" "$W/r-cap$1" || fail "restore from the cap alone differs"
}
# verify_read_data_ok [WHEN]: verify --read-data passes (its summary is in
# $W/verify.txt); WHEN ("after ...") goes into the failure message.
verify_read_data_ok() {
  gb verify --read-data > "$W/verify.txt" || fail "verify --read-data failed${1:+ $1}: $(cat "$W/verify.txt")"
  grep -q 'no problems found' "$W/verify.txt" || fail "verify did not report success"
}
