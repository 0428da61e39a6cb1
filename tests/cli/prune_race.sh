# A backup racing a prune sweep keeps its files (issue 21): a plan dooms an
# old version; the version is put back; a backup stores it again and is held
# (test hook GRIDBACKUP_TEST_PAUSE_AT=snapshot-save, core/common/test_pause.h)
# after its index object is written, before its snapshot; prune --grace 0
# sweeps meanwhile; then the backup commits. Its snapshot must restore.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
head -c 300000 /dev/urandom > "$W/old"
cp "$W/old" "$SRC/f"
init_repo
gb backup "$SRC" --quiet
head -c 300000 /dev/urandom > "$SRC/f"
gb backup "$SRC" --quiet
gb forget --keep-last 1 > /dev/null
gb prune --grace 1h > "$W/plan.txt" || { cat "$W/plan.txt"; fail "planning prune failed"; }
cp "$W/old" "$SRC/f"   # the doomed version comes back
GRIDBACKUP_TEST_PAUSE_AT=snapshot-save GRIDBACKUP_TEST_PAUSE_FILE=$W/go gb backup "$SRC" --json > "$W/b.json" 2> "$W/b.err" &
backup=$!
for _ in $(seq 1 200); do [ -e "$W/go.reached" ] && break; sleep 0.05; done
[ -e "$W/go.reached" ] || fail "the backup never reached its snapshot-save pause"
gb prune --grace 0 --wait 60s > "$W/prune.txt" 2>&1 &
prune=$!
# Let the backup commit while the sweep waits for it (after its new index).
for _ in $(seq 1 200); do grep -q "may have read the old index" "$W/prune.txt" && break; sleep 0.05; done
grep -q "may have read the old index" "$W/prune.txt" || { cat "$W/prune.txt"; fail "the sweep never reached its last wait"; }
touch "$W/go"
wait $backup || { cat "$W/b.err"; fail "the held backup failed"; }
wait $prune || { cat "$W/prune.txt"; fail "prune failed"; }
cat "$W/prune.txt"
gb restore latest --target "$W/r" --quiet 2> "$W/r.err" || { cat "$W/r.err"; fail "the snapshot committed during the sweep does not restore"; }
cmp "$W/r$SRC/f" "$W/old" || fail "the file restores wrong"
gb verify --read-data > "$W/v.txt" 2>&1 || { cat "$W/v.txt"; fail "verify after the race fails"; }
grep -q "not uploaded yet" "$W/v.txt" && { cat "$W/v.txt"; fail "verify says a file is missing"; }
pass "the snapshot a backup committed during the sweep keeps its file"
