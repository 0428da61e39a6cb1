# A file rewritten while it is being read is never stored torn: the backup
# either stores one complete version or says the file kept changing.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/unstable_lib.sh"
two_versions churning $((24 << 20))
# Writer: rewrites the whole file in place, alternating A and B, for as long as the backup runs.
( while [ ! -e "$W/stop" ]; do dd if="$W/B" of="$SRC/churning" conv=notrunc bs=1M status=none; dd if="$W/A" of="$SRC/churning" conv=notrunc bs=1M status=none; done ) &
writer=$!
rc=0
gb backup "$SRC" --json > "$W/b.json" 2> "$W/b.err" || rc=$?
touch "$W/stop"; wait $writer
gb restore latest --target "$W/r" --quiet
stored_whole_or_kept_changing churning "$rc"
pass "the churning file was not stored torn"
