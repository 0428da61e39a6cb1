# Rename tracking: a file renamed and then edited keeps its delta base, so the
# new version is stored as a small delta, not in full. The journal names the
# new path only; the view cache finds the old entry by its inode.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 64
mkdir -p "$DATA/docs"
head -c 4000000 /dev/urandom > "$DATA/docs/thesis.odt"
init_repo
start_agent "$GRIDBACKUP_STATE_DIR" "$DATA"
gb backup "$DATA" --no-progress > /dev/null
mkdir "$DATA/archive"
mv "$DATA/docs/thesis.odt" "$DATA/archive/thesis-final.odt"
printf 'an edit in the middle' | dd of="$DATA/archive/thesis-final.odt" bs=1 seek=2000000 conv=notrunc 2> /dev/null
gb backup "$DATA" --no-progress --json > "$W/second.json"
grep -q '"narrow":true' "$W/second.json" || { cat "$W/second.json" >&2; fail "the backup after the rename was not a narrow slice"; }
grep -q '"deltas":1' "$W/second.json" || { cat "$W/second.json" >&2; fail "the renamed and edited file was not stored as a delta"; }
stored=$(sed 's/.*"bytes_stored":\([0-9]*\).*/\1/' "$W/second.json")
[ "$stored" -lt 200000 ] || fail "the renamed file's new version took $stored bytes (a delta should take a few KiB)"
gb restore latest --target "$W/restore" --quiet
cmp "$DATA/archive/thesis-final.odt" "$W/restore$DATA/archive/thesis-final.odt" || fail "the renamed file does not restore exactly"
[ ! -e "$W/restore$DATA/docs/thesis.odt" ] || fail "the old name is still in the snapshot"
pass "renamed then edited: stored as a $stored-byte delta against the old name, restored exactly"
