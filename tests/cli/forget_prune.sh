# forget --prune and prune's figures: the dry run forecasts what the real
# run then does (packs, blobs, snapshots, bytes); the bytes the sweep says
# it freed are what left data/ and snapshots/; forgotten snapshots a kept
# view is built on are said to stay (the issue saw "removed 0 forgotten
# snapshot(s): 0.0 MiB freed" and no reason); forget --prune releases its
# own lock first, so the sweep does not wait for itself.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
stored() { find "$REPO/data" "$REPO/snapshots" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }
init_repo
for i in 1 2 3; do
  head -c 400000 /dev/urandom > "$SRC/changing.bin"
  head -c 5000 /dev/urandom > "$SRC/small-$i"
  gb backup "$SRC" --quiet --no-progress
done
cp -a "$SRC" "$W/expect"

step "forget --prune --dry-run forecasts and changes nothing"
before=$(stored)
gb forget --keep-last 1 --prune --grace 0 --dry-run --json > "$W/dry.json"
[ "$(field "$W/dry.json" 'd["forgotten"]')" = 2 ] || fail "the dry run does not forget 2: $(cat "$W/dry.json")"
[ "$(field "$W/dry.json" 'd["prune"]["dry_run"]')" = True ] || fail "no prune forecast: $(cat "$W/dry.json")"
[ "$(field "$W/dry.json" 'd["prune"]["blobs_deleted"] > 0 and d["prune"]["bytes_freed"] > 700000')" = True ] ||
  fail "the forecast frees nothing though two 400 kB versions go: $(cat "$W/dry.json")"
[ "$(stored)" = "$before" ] && [ ! -e "$REPO/forgotten" -o -z "$(ls -A "$REPO/forgotten" 2>/dev/null)" ] || fail "the dry run changed the repository"
gb forget --keep-last 1 --prune --grace 0 --dry-run > "$W/dry.txt"
grep -qE "^would delete [0-9]+ packs?, rewrite [0-9]+ packs? \(copying .*\), re-base .*, remove [1-9][0-9]* unused blobs? and 0 forgotten snapshots: would free [0-9.]+ MiB$" "$W/dry.txt" ||
  { cat "$W/dry.txt"; fail "the text dry run gives no would-delete/would-free figures"; }
grep -q "^2 forgotten snapshots stay: kept snapshots' views are built on them" "$W/dry.txt" || { cat "$W/dry.txt"; fail "the dry run does not say why forgotten snapshots stay"; }
gb prune --grace 0 --dry-run > "$W/prune-dry.txt"
grep -q "nothing to prune" "$W/prune-dry.txt" || { cat "$W/prune-dry.txt"; fail "plain prune --dry-run should find nothing before the forget"; }
pass "forecast: $(grep '^would' "$W/dry.txt")"

step "forget --prune: the figures are the forecast's and the bytes are what left the repository"
gb forget --keep-last 1 --prune --grace 0 --wait 5s --json > "$W/real.json" 2> "$W/real.err" || { cat "$W/real.err"; fail "forget --prune failed"; }
after=$(stored)
for f in packs_deleted packs_rewritten blobs_deleted snapshots_deleted snapshots_needed_as_base bytes_deleted; do
  [ "$(field "$W/real.json" "d['prune']['$f']")" = "$(field "$W/dry.json" "d['prune']['$f']")" ] ||
    fail "$f: forecast $(field "$W/dry.json" "d['prune']['$f']"), done $(field "$W/real.json" "d['prune']['$f']")"
done
[ "$(field "$W/real.json" 'd["prune"]["swept"]')" = True ] || fail "forget --prune did not sweep (it waited for its own lock?): $(cat "$W/real.json")"
[ "$(field "$W/real.json" 'd["prune"]["bytes_freed"]')" = "$((before - after))" ] ||
  fail "prune says it freed $(field "$W/real.json" 'd["prune"]["bytes_freed"]') bytes; data/ and snapshots/ shrank by $((before - after))"
[ "$(field "$W/real.json" 'd["prune"]["snapshots_needed_as_base"]')" = 2 ] || fail "the two forgotten ancestors are not reported as staying"
pass "freed $((before - after)) bytes, as reported"
latest=$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
gb restore "$latest" --target "$W/r" --quiet
compare "$W/expect" "$W/r$SRC" || fail "the kept snapshot does not restore byte-exact after forget --prune"
pass "the kept snapshot restores byte-exact"

step "after a new checkpoint, forget --prune removes the forgotten snapshots and says so"
gb backup "$SRC" --quiet --no-progress --force
before=$(stored)
gb forget --keep-last 1 --prune --grace 0 > "$W/text.txt" 2> "$W/text.err" || { cat "$W/text.err"; fail "forget --prune failed"; }
cat "$W/text.txt"
grep -q "^forgot 1 snapshot, kept 1; pruning$" "$W/text.txt" || fail "forget --prune does not say it forgot and prunes"
grep -qE "^deleted [0-9]+ packs?, rewrote [0-9]+, re-based [0-9]+ versions?, removed [0-9]+ unused blobs? and 3 forgotten snapshots: [0-9.]+ MiB freed \(" "$W/text.txt" ||
  fail "the sweep does not say it removed the 3 forgotten snapshots"
grep -qE "waiting for [0-9]+ process" "$W/text.txt" && fail "forget --prune waited for a process (its own lock?)"
[ "$(ls "$REPO/snapshots" | wc -l)" = 1 ] || fail "forgotten snapshots are still stored"
pass "3 forgotten snapshots removed after the checkpoint"

step "prune options without --prune: one sentence"
expect_fail 2 "grace is a prune option: give --prune too" gb forget --keep-last 1 --grace 0
expect_fail 2 "grace: 'soon' is not a duration" gb forget --keep-last 1 --prune --grace soon
