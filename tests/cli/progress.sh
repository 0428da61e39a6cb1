# Progress lines (issue 14), on a terminal only: backup measures against the
# parent snapshot's entries and bytes (a percentage and an ETA; no pre-count)
# and says "no total" without a parent; upload counts bytes, with a rate and
# an ETA. Piped or redirected output gets no progress line at all. `status`
# says that an upload runs and gives its ETA, not one from an older rate.
source "$GB_TESTS/tools/cli_lib.sh"
command -v script > /dev/null || skip "script (Debian bsdutils, util-linux's) is needed to give the command a terminal"
init_repo
mkdir -p "$W/src"
rewrite() { for i in $(seq 1 300); do head -c 4096 /dev/urandom > "$W/src/f$i"; done; }
rewrite
# on_tty FILE CMD...: runs CMD with a pseudo-terminal as stdin/stdout/stderr, its output in FILE.
on_tty() { local out=$1; shift; script -qfec "$(printf '%q ' "$@")" /dev/null > "$out" 2>&1; }
# The last progress line drawn ("\r\033[K" starts each).
progress_lines() { tr '\r' '\n' < "$1" | sed 's/\x1b\[K//g' | grep -E '^\[[0-9.hms]+\] ' || true; }
# drew NAME WHAT REGEX LACKS: the run on a terminal whose output is in
# $W/NAME.txt drew progress lines ($W/NAME.lines), one of them matching the
# extended REGEX, none holding the text LACKS.
drew() {
  local txt=$W/$1.txt lines=$W/$1.lines
  progress_lines "$txt" > "$lines"
  [ -s "$lines" ] || { cat -A "$txt" | head; fail "$2 drew no progress line"; }
  grep -qE "$3" "$lines" || { cat "$lines"; fail "$2's progress line does not match /$3/"; }
  ! grep -qF -- "$4" "$lines" || { cat "$lines"; fail "$2's progress line holds '$4'"; }
  pass "$2: $(tail -1 "$lines")"
}

# First backup: no parent, so no total (not a slow pre-count). The upload
# is held back (--limit-upload KiB/s) so the line is drawn a few times.
on_tty "$W/first.txt" "$GB" --cap-file "$CAP" backup "$W/src" --limit-upload 400 || { cat "$W/first.txt"; fail "first backup on a terminal failed"; }
grep -q 'snapshot [0-9a-f]* saved' "$W/first.txt" || { cat -A "$W/first.txt" | head; fail "the first backup did not save"; }
# No total, so no percentage.
drew first "the first backup" '[0-9]+ entries, .* scanned, .*; no total \(no earlier snapshot of these paths\)$' '%'

# A slow upload (1.2 MiB at 64 KiB/s, stopped after 4 s): bytes, a rate and an ETA.
rewrite
gb backup "$W/src" --no-upload --quiet
on_tty "$W/upload.txt" timeout -s INT 4 "$GB" --cap-file "$CAP" upload --limit-upload 64 --parallel 1 || true
# Bytes/total, a rate and an ETA; no longer a count of files.
drew upload "upload" '^\[[^]]*\] uploading: [0-9.]+ (B|KiB|MiB) of [0-9.]+ (KiB|MiB) \([0-9.]+%\), [0-9.]+ (B|KiB|MiB)/s, ETA [0-9][0-9.hms]*$' 'queued files'
gb upload --quiet

# While an upload runs, status says so, with its live progress (the queue
# database's live row) and an ETA from its recent rate, not the last run's
# (tests/cli/upload_live.sh follows one through).
echo more > "$W/src/more" && head -c 300000 /dev/urandom > "$W/src/big"
gb backup "$W/src" --no-upload --quiet
"$GB" --cap-file "$CAP" upload --limit-upload 8 --parallel 1 --no-progress > /dev/null 2>&1 & uploader=$!
for _ in $(seq 1 50); do ls "$REPO/locks" 2>/dev/null | holds '^upload-' && break; sleep 0.1; done
gb status > "$W/status.txt" 2> /dev/null
gb status --json > "$W/status.json" 2> /dev/null
kill -INT "$uploader"; wait "$uploader" || true
grep -qE '^running: +upload on .* \(pid [0-9]+\) since ' "$W/status.txt" || { cat "$W/status.txt"; fail "status does not say an upload runs"; }
grep -qE '^ETA: +(unknown \(no rate yet\)|[0-9][0-9.hms]* \(the running upload.s\))$' "$W/status.txt" ||
  { cat "$W/status.txt"; fail "status's ETA is not the running upload's"; }
python3 - "$W/status.json" <<'PY' || fail "status --json: $(cat "$W/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert [u["command"] for u in s["uploads_running"]] == ["upload"], s
PY
pass "status during an upload: $(grep '^running:' "$W/status.txt")"
gb upload --quiet
gb status 2> /dev/null | holds '^running:' && fail "status says an upload runs after it ended"

# With a parent: entries and bytes against its totals, a percentage and an
# ETA. New content, uploaded at 400 KiB/s, keeps it on screen for ~3 s.
rewrite
on_tty "$W/second.txt" "$GB" --cap-file "$CAP" backup "$W/src" --limit-upload 400 || { cat "$W/second.txt"; fail "second backup failed"; }
# A percentage, the totals and an ETA; never "no total".
drew second "the backup with a parent" '^\[[^]]*\] [0-9.]+%, ETA [0-9][0-9.hms]*: [0-9]+/[0-9]+ entries, [0-9.]+ (B|KiB|MiB)/[0-9.]+ (B|KiB|MiB), ' 'no total'

# Not on a terminal: no progress line, even without --no-progress.
gb backup "$W/src" --force > "$W/pipe.out" 2> "$W/pipe.err"
grep -q $'\r' "$W/pipe.err" "$W/pipe.out" && fail "a progress line was drawn into a file"
grep -qE '%, ETA|uploading:' "$W/pipe.err" "$W/pipe.out" && fail "progress text went to a file"
pass "no progress line when the output is not a terminal"
