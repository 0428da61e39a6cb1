# restore --overwrite always|if-changed|if-newer|never, --delete and --dry-run
# on real files already in the target: each mode keeps or replaces exactly
# what it says, --delete removes only what the snapshot lacks below the
# restored paths (nothing outside the target, no symlink followed), and a dry
# run touches nothing while it counts.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/sub"
echo same > "$SRC/same"
echo "old stamp" > "$SRC/stamped"
echo snapshot > "$SRC/older-here"
echo snapshot > "$SRC/newer-here"
echo 'twelve bytes' > "$SRC/same-size"
echo deep > "$SRC/sub/deep"
ln -s same "$SRC/link"
touch -d '2020-01-01 00:00:00' "$SRC"/* "$SRC/sub/deep"
init_repo
gb backup "$SRC" --quiet
T=$W/t
R=$T$SRC   # where SRC lands in the target

# reset: a target where every mode has something to decide.
reset() {
  rm -rf "$T"
  gb restore latest --target "$T" --quiet
  echo same > "$R/same"; touch -d '2021-06-06' "$R/same"                       # same content, other mtime
  echo "local edit" > "$R/stamped"; touch -d '2020-01-01 00:00:00' "$R/stamped"  # other size
  echo 'local edit!!' > "$R/same-size"; touch -d '2020-01-01 00:00:00' "$R/same-size" # same size and mtime, other bytes
  echo local > "$R/older-here"; touch -d '2010-01-01' "$R/older-here"
  echo local > "$R/newer-here"; touch -d '2030-01-01' "$R/newer-here"
}
content() { cat "$R/$1"; }

step "always (the default) replaces every file"
reset
gb restore latest --target "$T" --quiet
compare "$SRC" "$R" || fail "--overwrite always (default) left the target different from the snapshot"
pass "always: the target equals the snapshot"

step "never keeps every file already there"
reset
gb restore latest --target "$T" --overwrite never > "$W/never.txt"
[ "$(content stamped)" = "local edit" ] && [ "$(content older-here)" = local ] && [ "$(content newer-here)" = local ] ||
  fail "--overwrite never replaced a file already in the target"
grep -q 'kept' "$W/never.txt" || fail "the summary does not say what was kept: $(cat "$W/never.txt")"
pass "never: $(cat "$W/never.txt")"

step "if-newer replaces only what is older than the snapshot's"
reset
gb restore latest --target "$T" --overwrite if-newer --quiet
[ "$(content older-here)" = snapshot ] || fail "if-newer kept a file older than the snapshot's"
[ "$(content newer-here)" = local ] || fail "if-newer replaced a file newer than the snapshot's"
pass "if-newer: older replaced, newer kept"

step "if-changed: size and mtime first, the content hash when the mtime differs"
reset
gb restore latest --target "$T" --overwrite if-changed --verbose > "$W/changed.txt"
[ "$(content stamped)" = "old stamp" ] || fail "if-changed kept a file of another size"
grep -qx "unchanged $SRC/same" "$W/changed.txt" || fail "if-changed did not find 'same' unchanged by its hash: $(cat "$W/changed.txt")"
[ "$(stat -c %Y "$R/same")" = "$(stat -c %Y "$SRC/same")" ] || fail "if-changed did not set the mtime of a file kept as unchanged"
[ "$(content same-size)" = 'local edit!!' ] || fail "if-changed replaced a file of the same size and mtime (restic keeps it)"
grep -qx "restored $SRC/older-here" "$W/changed.txt" || fail "if-changed did not replace a changed file: $(cat "$W/changed.txt")"
pass "if-changed: changed replaced, same content kept, size+mtime trusted"

step "an unknown mode is one clear sentence"
expect_fail 2 'overwrite takes always, if-changed, if-newer or never' gb restore latest --target "$T" --overwrite sometimes

step "--dry-run changes nothing and counts"
reset
echo extra > "$R/extra"; mkdir -p "$R/extradir/inner"; echo x > "$R/extradir/inner/f"
find "$T" -printf '%p %s %T@ %m\n' | sort > "$W/before.txt"
gb restore latest --target "$T" --dry-run --delete --overwrite if-changed --verbose > "$W/dry.txt"
find "$T" -printf '%p %s %T@ %m\n' | sort > "$W/after.txt"
diff "$W/before.txt" "$W/after.txt" || fail "--dry-run changed the target"
grep -qx "would write $SRC/older-here" "$W/dry.txt" || fail "the dry run does not name what it would write: $(cat "$W/dry.txt")"
grep -qx "would delete $SRC/extradir/inner/f" "$W/dry.txt" || fail "the dry run does not name what it would delete"
grep -q 'dry run, nothing written: would restore .*4 entries would be deleted' "$W/dry.txt" ||
  fail "the dry run's summary lacks the counts: $(tail -1 "$W/dry.txt")"
grep -q 'would restore .*: 3 files, 0 dirs, ' "$W/dry.txt" || fail "the dry run counts directories already there as made: $(tail -1 "$W/dry.txt")"
gb restore latest --target "$W/nowhere" --dry-run > "$W/nowhere.txt"
[ ! -e "$W/nowhere" ] || fail "--dry-run made the target directory"
grep -q 'would restore .*: 6 files, [1-9][0-9]* dirs, 1 other, ' "$W/nowhere.txt" || fail "a dry run into a new target: $(cat "$W/nowhere.txt")"
pass "dry run: nothing touched; $(tail -1 "$W/dry.txt")"

step "--delete removes what the snapshot lacks below the restored paths only"
reset
echo extra > "$R/extra"; mkdir -p "$R/extradir/inner"; echo x > "$R/extradir/inner/f"
mkdir -p "$W/outside"; echo keep > "$W/outside/precious"
ln -s "$W/outside" "$R/sub/escape"          # a symlink the snapshot lacks: removed, never followed
echo beside > "$T/beside-the-restored-path"  # in the target, but not below SRC
gb restore latest --target "$T" --delete --quiet
compare "$SRC" "$R" || fail "after --delete the target differs from the snapshot"
[ -f "$W/outside/precious" ] || fail "--delete followed a symlink out of the target"
[ -f "$T/beside-the-restored-path" ] || fail "--delete removed a file that is not below the restored paths"
pass "delete: the target equals the snapshot; outside and beside untouched"

step "--delete with PATH removes only below PATH"
echo extra > "$R/extra"; echo extra > "$R/sub/extra"
gb restore latest --target "$T" --delete --quiet "$SRC/sub"
[ ! -e "$R/sub/extra" ] || fail "--delete with a PATH left an extra file below it"
[ -f "$R/extra" ] || fail "--delete with a PATH removed a file outside it"
pass "delete below PATH only"
