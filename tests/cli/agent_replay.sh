# The journal-replay tool reproduces a snapshot: the agent records its raw
# fanotify events while random operations run; `gridbackup-replay play`
# feeds the recording into a scratch state dir's journal; the narrow slice
# cut from that journal equals a full scan of the tree. Also: `print` shows
# the same records the live agent journaled.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
REPLAY=$(dirname "$GB")/gridbackup-replay
[ -x "$REPLAY" ] || fail "gridbackup-replay is not built next to $GB"
scratch_data_tree 64
OPS=$GB_TESTS/tools/random_ops.py
/usr/bin/python3 "$OPS" "$DATA" 7 40 > "$W/ops.log"
R=(--repo "file://$W/replay-repo" --cap-file "$W/cap-r" --state-dir "$W/state-r")
S=(--repo "file://$W/scan-repo" --cap-file "$W/cap-s" --state-dir "$W/state-s")
"$GB" "${R[@]}" init --quiet > /dev/null
"$GB" "${S[@]}" init --quiet > /dev/null
# The replay line's first snapshot: a full scan, cut at the (empty) journal.
"$GB" "${R[@]}" backup "$DATA" --no-upload --no-progress --from-journal > /dev/null

start_agent "$W/state-rec" --record "$W/rec.bin" "$DATA"
for seed in 8 9 10; do /usr/bin/python3 "$OPS" "$DATA" "$seed" 25 >> "$W/ops.log"; done
# Everything the operations caused is recorded once the agent has seen a
# marker made after them.
touch "$DATA/.last"
for _ in $(seq 200); do "$GB" agent journal --state-dir "$W/state-rec" | holds "created file $DATA/.last" && break; sleep 0.05; done
stop_agent

"$REPLAY" print "$W/rec.bin" > "$W/printed.txt" || fail "gridbackup-replay print failed"
"$GB" agent journal --state-dir "$W/state-rec" | sed 's/^[0-9]* //' | grep -v "^rescan-needed dir $DATA$" > "$W/journaled.txt"
diff "$W/printed.txt" "$W/journaled.txt" > /dev/null || { diff "$W/printed.txt" "$W/journaled.txt" | head >&2; fail "the recording does not translate to what the agent journaled"; }

"$REPLAY" play "$W/rec.bin" --state-dir "$W/state-r" > "$W/played.txt" || fail "gridbackup-replay play failed"
grep -q "records appended" "$W/played.txt" || fail "play did not report what it appended"
grep -q "^slice plan for the recorded roots" "$W/played.txt" || fail "play did not print the snapshot delta (slice plan)"
"$GB" "${R[@]}" backup "$DATA" --no-upload --no-progress --from-journal > "$W/r.out"
grep -q "narrow slice" "$W/r.out" || { cat "$W/r.out" >&2; fail "the replayed journal did not give a narrow slice"; }
"$GB" "${S[@]}" backup "$DATA" --no-upload --no-progress --no-journal > /dev/null
same_view "${R[@]}" -- "${S[@]}" || { head -20 "$W/view.diff" >&2; fail "the snapshot from the replayed recording differs from a full scan"; }
pass "a recording replayed into a scratch journal reproduces the snapshot a full scan takes ($(grep -c . "$W/printed.txt") records)"
