# The change journal never misses a change: after random file operations on a
# loop-mounted ext4 (creates, writes, truncates, renames of files and trees,
# deletes, hard links, symlinks, xattrs, modes), the snapshot cut from the
# agent's journal (a narrow slice) must equal a full-scan snapshot of the same
# tree, for many seeds, with excludes of every kind; also with the agent killed and restarted mid-sequence
# and with the kernel's event queue overflowing.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 128
OPS=$GB_TESTS/tools/random_ops.py
journal_and_scan_repos
/usr/bin/python3 "$OPS" "$DATA" 1 60 > "$W/ops.log"

slices=0
# Both backups leave out the same things (every exclude form the slice must
# agree on: a pattern, a negation, a tag file whose coming and going changes
# its directory): random_ops names things [a-h]N. A size limit is below.
X=(--exclude 'h*' --exclude '!h1*' --exclude-if-present g7)
# round SEED OPS: random operations, then a journal-driven backup and a full
# scan of the same tree; their views must be equal.
round() {
  /usr/bin/python3 "$OPS" "$DATA" "$1" "$2" >> "$W/ops.log"
  "$GB" "${J[@]}" backup "$DATA" "${X[@]}" --no-upload --no-progress > "$W/j.out" 2> "$W/j.err" || { cat "$W/j.out" "$W/j.err" >&2; fail "seed $1: the journal backup failed"; }
  "$GB" "${S[@]}" backup "$DATA" "${X[@]}" --no-upload --no-progress --no-journal > /dev/null 2>&1 || fail "seed $1: the full-scan backup failed"
  if ! same_view "${J[@]}" -- "${S[@]}"; then
    head -40 "$W/view.diff" >&2
    tail -30 "$W/ops.log" >&2
    fail "seed $1: the journal-driven snapshot differs from the full scan"
  fi
  if grep -q "narrow slice" "$W/j.out"; then slices=$((slices + 1)); else grep "full scan" "$W/j.out" | sed "s/^/seed $1: /"; fi
}

start_agent "$W/state-j" "$DATA"
# The first backup with the agent is a full scan (it has no cut to start from).
round 2 10
for seed in $(seq 3 27); do round "$seed" 25; done
[ "$slices" -ge 24 ] || fail "only $slices of 26 journal backups were narrow slices"
pass "26 random rounds: every journal-driven snapshot equals the full scan ($slices narrow slices)"

# A size limit scans in full (a hard link can bring a file under it unnamed),
# and so does a change of the excludes; both still equal the full scan.
X_SLICE=("${X[@]}")
X+=(--exclude-larger-than 60k)
round 80 10
grep -q "full scan: --exclude-larger-than is given" "$W/j.out" || { cat "$W/j.out" >&2; fail "a size limit did not scan in full"; }
X=("${X_SLICE[@]}")
round 81 5
grep -q "full scan: the excludes differ from the previous snapshot's" "$W/j.out" || { cat "$W/j.out" >&2; fail "changed excludes did not scan in full"; }
pass "a size limit and a change of the excludes scan in full, equal to the full scan"

# Most of the tree deleted at once: a full scan is faster than the narrow
# slice (core/journal/scan_fallback.h), and the backup must say it took one.
# A burst of creates first, which stays a narrow slice however large.
/usr/bin/python3 -c '
import os, sys
for d in range(3):
    os.makedirs(f"{sys.argv[1]}/d{d}")
    for i in range(600):
        with open(f"{sys.argv[1]}/d{d}/f{i}", "w") as f: f.write(f"bulk {d} {i}\n")' "$DATA/bulk"
round 28 3
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "a burst of 1800 creates was not a narrow slice"; }
rm -rf "$DATA/bulk"
round 29 3
grep -q "full scan: the change journal says [0-9]* names are gone" "$W/j.out" ||
  { cat "$W/j.out" >&2; fail "deleting most of the tree did not fall back to a full scan"; }
round 30 5
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the backup after the fallback scan was not a narrow slice again"; }
pass "most of the tree deleted: the backup falls back to a full scan, says so, equals the full scan; then narrow slices again"

# Killed mid-sequence: the operations while it is down are unknown to the
# journal; the restarted agent records a rescan, never a silent gap.
/usr/bin/python3 "$OPS" "$DATA" 100 15 >> "$W/ops.log"
stop_agent -KILL
/usr/bin/python3 "$OPS" "$DATA" 101 15 >> "$W/ops.log"
start_agent "$W/state-j" "$DATA"
"$GB" status --repo "file://$W/journal-repo" --cap-file "$W/cap-j" --state-dir "$W/state-j" > "$W/status.out"
grep -q "rescans pending" "$W/status.out" && ! grep -q " 0 rescans pending" "$W/status.out" ||
  { cat "$W/status.out" >&2; fail "status does not show the rescan the restarted agent asked for"; }
round 102 15
grep -q "full scan: the change journal asks for a rescan" "$W/j.out" || { cat "$W/j.out" >&2; fail "after a restart the backup did not rescan"; }
round 103 20
grep -q "narrow slice" "$W/j.out" || fail "the backup after the rescan was not a narrow slice again"
pass "agent killed and restarted mid-sequence: rescan, then equal snapshots"

# Overflow: a tiny kernel queue (the sysctl applies to new fanotify groups)
# and a storm of events; the agent must record the overflow, the next backup
# rescans and still equals the full scan.
stop_agent
QUEUE=/proc/sys/fs/fanotify/max_queued_events
old_queue=$(cat "$QUEUE")
trap 'echo "$old_queue" > "$QUEUE"; stop_agent -KILL; umount_scratch; rm -rf "$W"' EXIT
echo 16 > "$QUEUE"   # kept until the storm: the agent reads it when it sets up its group
start_agent "$W/state-j" --bounded-queue "$DATA"
round 200 5   # the restart's rescan
# The agent stopped (SIGSTOP) while a storm fills the kernel's queue.
kill -STOP "$AGENT_PID"
mkdir -p "$DATA/storm"
for i in $(seq 200); do : > "$DATA/storm/f$i"; done
kill -CONT "$AGENT_PID"
/usr/bin/python3 "$OPS" "$DATA" 201 30 >> "$W/ops.log"
for _ in $(seq 100); do
  "$GB" agent journal --state-dir "$W/state-j" > "$W/journal.txt"
  grep -q "^[0-9]* overflow " "$W/journal.txt" && break
  sleep 0.05
done
echo "$old_queue" > "$QUEUE"
grep -q "^[0-9]* overflow " "$W/journal.txt" || { tail -5 "$W/journal.txt" >&2; tail -5 "$W/agent.log" >&2; fail "no overflow record after an event storm into a 16-event queue"; }
round 202 5
grep -q "full scan: the change journal asks for a rescan" "$W/j.out" || { cat "$W/j.out" >&2; fail "an overflow did not lead to a rescan"; }
pass "kernel queue overflow: recorded, rescanned, equal snapshots"
