#!/bin/bash
# The service's bandwidth schedule holds the upload to its window's rate:
# 10 MiB of random (incompressible) files queued by the service's first
# snapshot, uploaded under --upload-limit "OTHER-DAY = paused" and
# "* = 1MiB/s" (the first entry does not match today, the second does).
# Measured two ways while it runs, sampled every 0.25 s: the queue's live
# progress (bytes gone out, status --json) over the upload after its first
# second, and the repository's own growth on disk from the upload's start
# to the end of the drain. Both within 15% of 1 MiB/s. No root needed
# (--no-agent: a full scan).
source "$GB_TESTS/tools/cli_lib.sh"

LIMIT=$((1024 * 1024))
init_repo
mkdir -p "$W/root"
for i in $(seq 1 10); do head -c 1048576 /dev/urandom > "$W/root/f$i"; done
other_day=$(LC_ALL=C date -d tomorrow +%a)
PID=
trap '[ -n "$PID" ] && kill -TERM "$PID" 2> /dev/null; wait 2> /dev/null; rm -rf "$W"' EXIT

step "the service uploads 10 MiB under '* = 1MiB/s'; sampling its progress and the repository"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/state" --full-scan-interval 1h --power-supply-root "$W/none" --metered no \
  --upload-limit "$other_day = paused" --upload-limit "* = 1MiB/s" "$W/root" > "$W/service.log" 2>&1 &
PID=$!
: > "$W/samples.txt"
for _ in $(seq 1 160); do
  now=$(date +%s.%N)
  repo_bytes=$(du -sb "$REPO" | cut -f1)
  gb status --state-dir "$W/state" --json 2> /dev/null > "$W/status.json" || echo '{}' > "$W/status.json"
  /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
u = [r for r in s.get("uploads_running", []) if r.get("uploading")]
print(sys.argv[2], sys.argv[3], s.get("queued_files", -1), u[0]["bytes_done"] if u and u[0]["bytes_done"] is not None else -1,
      u[0]["since"] if u else "-")' "$W/status.json" "$now" "$repo_bytes" >> "$W/samples.txt"
  # Done once the queue is empty after the upload was seen running.
  read -r _ _ queued done _ < <(tail -1 "$W/samples.txt")
  [ "$done" != -1 ] && seen_running=1
  [ -n "${seen_running:-}" ] && [ "$queued" = 0 ] && break
  sleep 0.25
done
kill -TERM "$PID"
wait "$PID" 2> /dev/null || true
PID=
no_crash_in "$W/service.log" "the service"
grep -q "full-scan snapshot saved" "$W/service.log" || { cat "$W/service.log" >&2; fail "the service made no snapshot"; }
gb snapshots --json | /usr/bin/python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[-1]["complete"] else 1)' ||
  { cat "$W/service.log" "$W/samples.txt" >&2; fail "the upload did not finish within 40 s"; }
pass "drained; $(wc -l < "$W/samples.txt") samples"

step "the rate: live progress after the first second, and the repository's growth, within 15% of the limit"
/usr/bin/python3 - "$W/samples.txt" "$LIMIT" << 'EOF' || { cat "$W/service.log" "$W/samples.txt" >&2; fail "the upload did not keep to the limit"; }
import sys
from datetime import datetime
rows = [line.split() for line in open(sys.argv[1])]
limit = int(sys.argv[2])
samples = [(float(t), int(repo), int(queued), int(done), since) for t, repo, queued, done, since in rows]
running = [s for s in samples if s[3] >= 0 and s[4] != "-"]
assert len(running) >= 8, f"the upload was seen running in only {len(running)} samples"
start = datetime.strptime(running[0][4], "%Y-%m-%dT%H:%M:%SZ").timestamp()
# Live progress: the slope (least squares) of the bytes gone out from a
# second into the upload to its last sample; the row is refreshed about
# once a second, a staircase the fit sees through.
later = [s for s in running if s[0] >= running[0][0] + 1.0]
span = later[-1][0] - later[0][0]
assert span >= 4, f"only {span:.1f} s of upload after its first second"
mt = sum(s[0] for s in later) / len(later)
mb = sum(s[3] for s in later) / len(later)
live = sum((s[0] - mt) * (s[3] - mb) for s in later) / sum((s[0] - mt) ** 2 for s in later)
print(f"live progress: {live / 1024:.0f} KiB/s over {span:.1f} s, {len(later)} samples (limit {limit // 1024} KiB/s)")
# The repository on disk: what it gained from the last sample before the
# upload ran to the first one after the queue was empty, over that time.
# Objects arrive whole (a pack at a time, after the limiter's wait), so
# this is the whole drain's average; the bucket starts empty, so there is
# no burst to allow for.
before = [s for s in samples if s[0] < running[0][0]]
first = before[-1] if before else running[0]
drained = [s for s in samples if s[0] > running[-1][0] and s[2] == 0]
assert drained, "no sample after the drain"
end = drained[0]
grown = end[1] - first[1]
assert grown >= 10 * 1024 * 1024, f"the repository grew by only {grown} bytes"
seconds = end[0] - first[0]
disk = grown / seconds
print(f"repository growth: {grown} bytes in {seconds:.1f} s: {disk / 1024:.0f} KiB/s")
ok = abs(live - limit) <= 0.15 * limit and abs(disk - limit) <= 0.15 * limit
sys.exit(0 if ok else 1)
EOF
pass "the window's rate holds within 15%"
