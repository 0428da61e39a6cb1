#!/bin/bash
# kill -9 of the service at random moments: 20 rounds over an ext4 image of
# its own, each changing the tree (tests/tools/random_ops.py, plus a larger
# file so that a kill often lands in an upload held to 2 MiB/s; only
# additive changes while files are queued, since a file changed before its
# upload is gone by design, kill or not), running the service (1 s
# snapshot interval, with its agent) for a random 0.2-3 s and killing it
# with SIGKILL, every third round its agent too. The tree's state after
# each round's changes is kept as a digest (tests/tools/tree_digest.py):
# the service never runs while the tree changes, so every snapshot must be
# exactly one of those states. With the queue drained (the CLI's upload):
# every snapshot restores without an error into one of the saved states,
# and the repository holds no more than the snapshots' blobs and metadata.
# After a final clean run of the service with its queue drained:
# verify --read-data finds no damage, no blob stored twice and no file
# missing, and the last snapshot equals the tree (treecompare.py).
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/scratch_fs_lib.sh"

[ "$(id -u)" = 0 ] || skip "the service runs the fanotify agent: it needs root (CAP_SYS_ADMIN, loop mounts)"
M=$W/mnt
ROOT=$M/root
S=$W/service-state
GROUPS_STARTED=()
agent_pid() { "$GB" agent status --state-dir "$S" --json 2> /dev/null | /usr/bin/python3 -c 'import json,sys; a=json.load(sys.stdin); print(a.get("pid") or "" if a.get("running") else "")' 2> /dev/null || true; }
cleanup() {
  local g a
  for g in "${GROUPS_STARTED[@]}"; do kill -KILL -- "-$g" 2> /dev/null || true; done
  a=$(agent_pid)
  [ -n "$a" ] && kill -KILL "$a" 2> /dev/null || true
  sleep 0.3
  umount_scratch
  rm -rf "$W"
}
trap cleanup EXIT
mount_scratch_ext4 "$M" 256
mkdir -p "$ROOT/docs"
for i in $(seq 1 20); do head -c $((RANDOM * 3)) /dev/urandom > "$ROOT/docs/f$i"; done
init_repo

start_service() {
  setsid "$GB" --cap-file "$CAP" service run --state-dir "$S" --snapshot-interval 1s --upload-limit "* = 2MiB/s" \
    --power-supply-root "$W/none" --metered no "$ROOT" >> "$W/service.log" 2>&1 &
  SERVICE_PID=$!
  GROUPS_STARTED+=("$SERVICE_PID")
}
save_state() { /usr/bin/python3 "$GB_TESTS/tools/tree_digest.py" "$ROOT" >> "$W/states.txt"; /usr/bin/python3 "$GB_TESTS/tools/tree_digest.py" "$ROOT" --content-sizes >> "$W/contents.txt"; }
queued_files() { gb status --state-dir "$S" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["queued_files"])'; }
# change_tree ROUND: random changes, and a new larger file. While the queue
# holds files only additive ones: a file changed before its upload is not
# the kill's loss (the snapshot that saw it stays incomplete by design).
change_tree() {
  local additive=
  [ "$(queued_files)" = 0 ] || additive=--additive
  echo "round $1: ${additive:-any changes}" >> "$W/rounds.log"
  echo "== round $1" >> "$W/ops.log"
  /usr/bin/python3 "$GB_TESTS/tools/random_ops.py" "$ROOT" "$1" 25 $additive >> "$W/ops.log"
  head -c $((200000 + RANDOM * 20)) /dev/urandom > "$ROOT/large-$1"
  save_state
}

step "20 rounds: change the tree, run the service 0.2-3 s, kill -9 it (every third round its agent too)"
save_state
RANDOM=$$
for round in $(seq 1 20); do
  change_tree "$round"
  start_service
  ms=$((200 + RANDOM % 2800))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  agent=
  [ $((round % 3)) = 0 ] && agent=$(agent_pid)
  kill -KILL "$SERVICE_PID"
  [ -n "$agent" ] && kill -KILL "$agent"
  wait "$SERVICE_PID" 2> /dev/null || true
  echo "round $round: killed after $ms ms${agent:+ with its agent $agent}" >> "$W/rounds.log"
done
pass "$(grep -c 'with its agent' "$W/rounds.log") of 20 rounds also killed the agent; $(grep -c 'snapshot saved' "$W/service.log") snapshots saved between kills; $(grep -c -- '--additive' "$W/rounds.log") rounds found files queued"

step "the queue drained by the CLI's upload beside the killed service's agent"
gb upload --state-dir "$S" --quiet || fail "upload after the rounds failed"
[ "$(queued_files)" = 0 ] || fail "files still queued after an upload"
pass "nothing queued"

# explain_missing: what the rounds did to each file a restore found missing.
explain_missing() {
  local p
  cat "$W/rounds.log" >&2
  sed -n 's/^missing: [^/]*//p' "$W/restore.err" | while read -r p; do
    echo "--- $p in the operations (ops.log) and the service's log:" >&2
    grep -nF "${p#"$ROOT"}" "$W/ops.log" "$W/service.log" >&2 || true
  done
}

step "every snapshot restores without an error into one of the saved states"
gb snapshots --json | /usr/bin/python3 -c 'import json,sys; [print(s["id"]) for s in json.load(sys.stdin)]' > "$W/ids.txt"
n=0
while read -r id; do
  n=$((n + 1))
  gb restore "$id" --target "$W/r" --quiet 2> "$W/restore.err" || { cat "$W/restore.err" >&2; explain_missing; fail "snapshot $n ($id) does not restore"; }
  d=$(/usr/bin/python3 "$GB_TESTS/tools/tree_digest.py" "$W/r$ROOT")
  holds -xF "$d" < "$W/states.txt" || fail "snapshot $n ($id) restores to a tree that was never there"
  rm -rf "$W/r"
done < "$W/ids.txt"
[ "$n" -ge 2 ] || fail "only $n snapshots: the rounds saved none"
pass "all $n snapshots restore, each to a state the tree had"
step "no content stored twice: the repository holds at most the distinct contents plus metadata"
gb stats --json > "$W/stats.json"
/usr/bin/python3 -c '
import json, sys
stats = json.load(open(sys.argv[1]))
contents = dict(line.split() for line in open(sys.argv[2]))
written = sum(int(size) for size in contents.values())
held, meta = stats["repository"]["bytes"], stats["total"]["metadata_bytes"]
stored = stats["total"]["stored_bytes"]
# Random data does not compress: each content costs its size and its seal.
# What the repository holds beyond the blobs the snapshots need and their
# metadata is the index, the snapshot objects, the keys: small. A content
# stored twice (a pack uploaded again after a kill) would show here.
extra = held - stored - meta
print(f"repository {held} bytes: blobs the snapshots need {stored}, metadata {meta}, the rest {extra}; distinct contents written {written}")
sys.exit(0 if stored <= written * 1.02 and extra <= 256 * 1024 else 1)' "$W/stats.json" "$W/contents.txt" || fail "the repository holds more than the snapshots need: something was stored twice"
pass "no duplicated content"

step "a final clean run: the last change snapshotted, the queue drained"
change_tree 1000
start_service
# A new snapshot, complete (the service's first forget may keep few of the
# older ones: they were all checked above).
final_ok() {
  gb snapshots --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s[-1]["id"] not in open(sys.argv[1]).read().split() and s[-1]["complete"] else 1)' "$W/ids.txt" &&
    [ "$(queued_files)" = 0 ]
}
for _ in $(seq 1 150); do final_ok && break; sleep 0.2; done
final_ok || { tail -30 "$W/service.log" >&2; fail "no complete snapshot of the last change with the queue drained within 30 s"; }
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID" 2> /dev/null || true
no_crash_in "$W/service.log" "the service"
pass "a snapshot of the last change, complete; nothing queued"

step "verify --read-data: no damage, no blob stored twice, nothing missing"
gb verify --read-data --json > "$W/verify.json" || { cat "$W/verify.json" >&2; fail "verify --read-data found problems"; }
/usr/bin/python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
bad = [k for k in ("damaged_objects", "damaged_files", "problems", "notes") if v[k]]
ok, dups = v["ok"], v["duplicate_blobs"]
if not ok or bad or dups:
    sys.exit(f"verify: ok={ok}, not empty: {bad}, duplicate blobs: {dups}; {v}")
snapshots, packs, blobs = v["snapshots"], v["packs_read"], v["blobs_checked"]
print(f"ok: {snapshots} snapshots, {packs} packs read, {blobs} blobs checked, none stored twice")' "$W/verify.json"

gb restore latest --target "$W/last" --quiet
compare "$ROOT" "$W/last$ROOT" --no-mtime-dirs || fail "the last snapshot differs from the tree"
pass "the last snapshot equals the tree"

