# A restore killed with kill -9 at random points, then run again with
# --overwrite if-changed, ends equal to the snapshot (contents, modes, owners,
# mtimes, links), and a run over a finished target writes nothing: what is
# already right is kept.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
make_odd_tree "$SRC"
mkdir -p "$SRC/many"
for i in $(seq 1 300); do echo "file $i" > "$SRC/many/f$i"; chmod 0$((600 + i % 7 * 10)) "$SRC/many/f$i"; done
head -c $((24 << 20)) /dev/urandom > "$SRC/big.bin"
init_repo
gb backup "$SRC" --quiet
T=$W/t

step "a full restore on a terminal, timed: the kills land inside its time"
t0=$(date +%s%N)
if command -v script > /dev/null; then
  script -qfec "$(printf '%q ' "$GB" --cap-file "$CAP" restore latest --target "$W/full")" /dev/null > "$W/tty.txt" 2>&1 ||
    { cat "$W/tty.txt"; fail "the restore on a terminal failed"; }
else
  gb restore latest --target "$W/full" --quiet
fi
full_ms=$((($(date +%s%N) - t0) / 1000000))
compare "$SRC" "$W/full$SRC" || fail "a plain restore differs from the snapshot"
pass "a full restore takes ${full_ms} ms"
if [ -f "$W/tty.txt" ]; then
  # The progress line (drawn every 250 ms): files and bytes against the snapshot's totals, % and ETA.
  tr '\r' '\n' < "$W/tty.txt" | sed 's/\x1b\[K//g' | grep -E '^\[[0-9.hms]+\] restoring' > "$W/lines.txt" || true
  if [ -s "$W/lines.txt" ]; then
    grep -qE '^\[[^]]*\] restoring: [0-9.]+%, ETA [0-9a-z.]+: [0-9]+/[0-9]+ files, [0-9.]+ (B|KiB|MiB)/[0-9.]+ MiB \([0-9.]+ (B|KiB|MiB)/s\)$' "$W/lines.txt" ||
      { cat "$W/lines.txt"; fail "the restore's progress line lacks files, bytes, % or ETA"; }
    pass "progress: $(tail -1 "$W/lines.txt")"
  elif [ "$full_ms" -gt 800 ]; then
    cat -A "$W/tty.txt" | head; fail "a restore of ${full_ms} ms on a terminal drew no progress line"
  else
    echo "note: the restore took ${full_ms} ms, too short for a progress line; its format was NOT checked" >&2
  fi
  tr '\r' '\n' < "$W/tty.txt" | sed 's/\x1b\[K//g' | holds '^restored snapshot [0-9a-f]* to .*: 31[0-9] files, ' || { cat "$W/tty.txt"; fail "no summary line"; }
fi

step "kill -9 at random points, then resume with if-changed"
partial=0
for round in 1 2 3 4; do
  rm -rf "$T"
  "$GB" --cap-file "$CAP" restore latest --target "$T" --quiet 2> /dev/null &
  pid=$!
  at_ms=$((RANDOM % (full_ms + 1)))
  sleep "$(printf '%d.%03d' $((at_ms / 1000)) $((at_ms % 1000)))"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  gb restore latest --target "$T" --overwrite if-changed > "$W/resume.txt"
  compare "$SRC" "$T$SRC" > "$W/cmp.txt" || { cat "$W/cmp.txt" >&2; fail "killed at ${at_ms} ms and resumed: the target differs from the snapshot"; }
  ! find "$T" -name '.gridbackup-partial.*' | holds . || fail "temporary names left behind: $(find "$T" -name '.gridbackup-partial.*')"
  # Resumed mid-way: some files written, the ones already right kept.
  if grep -qE ': [1-9][0-9]* files?, .* kept' "$W/resume.txt"; then partial=$((partial + 1)); fi
  pass "killed at ${at_ms} ms, resumed: $(cat "$W/resume.txt")"
done
[ "$partial" -gt 0 ] || skip "no kill landed mid-way (each found nothing or everything restored); the resume was NOT tested"
pass "$partial of 4 resumes wrote the rest and kept what was right"

step "a restore over a finished target writes nothing"
gb restore latest --target "$T" --overwrite if-changed > "$W/again.txt"
grep -q ': 0 files, .* kept' "$W/again.txt" || fail "if-changed rewrote files already right: $(cat "$W/again.txt")"
compare "$SRC" "$T$SRC" || fail "the no-op restore changed the target"
pass "nothing rewritten: $(cat "$W/again.txt")"
