# copy --from-repo (issue 14): snapshots and their content from one
# repository into another with a different cap. Every copied snapshot
# restores byte-exact (with metadata and hard links) as the source's does,
# keeps its time, host, paths and tags; a second copy copies nothing; --host
# chooses; --dry-run stores nothing; the destination verifies clean; a wrong
# source cap is one sentence; a snapshot not uploaded in the source is left out.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
make_odd_tree "$SRC"
head -c 4194304 /dev/urandom > "$SRC/four-mb.bin"
init_repo                                   # the source: $REPO, $CAP
DST=$W/dst DCAP=$W/dcap
"$GB" init --repo "file://$DST" --cap-file "$DCAP" --quiet > /dev/null
dst() { "$GB" --cap-file "$DCAP" "$@"; }
from=(--from-repo "file://$REPO" --from-cap-file "$CAP")
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Two snapshots of one tree with a change between them (the second holds a
# forward delta of four-mb.bin), and one of another host.
gb backup "$SRC" --tag weekly --quiet --no-progress
dd if=/dev/urandom of="$SRC/four-mb.bin" bs=4096 count=1 seek=300 conv=notrunc status=none
echo more >> "$SRC/plain.txt"
rm "$SRC/-leading-dash"
echo new > "$SRC/sub/deeper/new-file"
gb backup "$SRC" --json --no-progress > "$W/b2.json"
grep -qE '"deltas":[1-9]' "$W/b2.json" || fail "the second backup stored no delta: $(cat "$W/b2.json")"
mkdir -p "$W/other"
echo other > "$W/other/file"
gb backup "$W/other" --host otherhost --quiet --no-progress

# --dry-run: says what it would do, stores nothing.
dst copy "${from[@]}" --dry-run --json > "$W/dry.json"
[ "$(json 'd["copied"], d["dry_run"], d["bytes_new"] > 6000000' < "$W/dry.json")" = "3 True True" ] || fail "dry run: $(cat "$W/dry.json")"
[ "$(dst snapshots --json | json 'len(d)')" = 0 ] || fail "copy --dry-run stored snapshots"
pass "copy --dry-run counts 3 snapshots and stores none"

# --host chooses: only otherhost's snapshot goes (into a third repository).
ONE=$W/one OCAP=$W/ocap
"$GB" init --repo "file://$ONE" --cap-file "$OCAP" --quiet > /dev/null
"$GB" --cap-file "$OCAP" copy "${from[@]}" --host otherhost --json > "$W/host.json"
[ "$("$GB" --cap-file "$OCAP" snapshots --json | json '[s["hostname"] for s in d]')" = "['otherhost']" ] || fail "--host copied other hosts"
"$GB" --cap-file "$OCAP" restore latest --host otherhost --target "$W/ro" --quiet
compare "$W/other" "$W/ro$W/other" || fail "the --host copy does not restore"
pass "copy --host otherhost copies only that host's snapshot"

# On a terminal, a progress line (snapshots, bytes); the writes held back
# (--limit-upload) so that it is drawn a few times.
if command -v script > /dev/null; then
  script -qfec "$(printf '%q ' "$GB" --cap-file "$OCAP" copy "${from[@]}" --limit-upload 6000)" /dev/null > "$W/tty.txt" 2>&1 ||
    { cat "$W/tty.txt"; fail "copy on a terminal failed"; }
  tr '\r' '\n' < "$W/tty.txt" | sed 's/\x1b\[K//g' | grep -E '^\[[0-9.hms]+\] copy: ' > "$W/tty.lines" || true
  grep -qE '^\[[^]]*\] copy: [0-9]/3 snapshots, ([0-9.]+%, ETA [^:]*|no total): [0-9.]+ (B|KiB|MiB) new content, [0-9.]+ (B|KiB|MiB) already present' \
    "$W/tty.lines" || { cat -A "$W/tty.txt" | head; fail "copy drew no progress line"; }
  pass "progress: $(tail -1 "$W/tty.lines")"
else
  echo "SKIPPED (loudly): no script(1) to give copy a terminal: its progress line is not checked" >&2
fi

# Copy everything.
dst copy "${from[@]}" > "$W/copy.txt" 2> "$W/copy.err"
grep -q '^copied 3 snapshots, .* new content, .* already present' "$W/copy.txt" || fail "summary: $(cat "$W/copy.txt")"
grep -q '^source repository [0-9a-f]\{8\} opened (file://' "$W/copy.err" || fail "the source is not named: $(cat "$W/copy.err")"
grep -q 'a delta on its parent' "$W/copy.txt" || fail "the second snapshot was not copied as a delta: $(cat "$W/copy.txt")"
pass "$(tail -1 "$W/copy.txt")"

# Each copy: same time, host, paths, tags; restores exactly as the source's.
gb snapshots --json > "$W/src.json"
dst snapshots --json > "$W/dst.json"
/usr/bin/python3 - "$W/src.json" "$W/dst.json" <<'PY'
import json, sys
key = lambda s: (s["time"], s["hostname"], s["paths"], s["tags"])
a = sorted(map(key, json.load(open(sys.argv[1])))); b = sorted(map(key, json.load(open(sys.argv[2]))))
assert a == b, (a, b)
assert ("weekly",) == tuple(next(s for s in a if s[3])[3])
PY
pass "copies keep time, host, paths and tags"
i=0
for triple in $(dst copy "${from[@]}" --json | json '" ".join(s["id"]+":"+s["destination_id"]+":"+s["paths"][0] for s in d["snapshots"])'); do
  i=$((i + 1))
  IFS=: read -r id copy root <<< "$triple"
  gb restore "$id" --target "$W/rs$i" --quiet
  dst restore "$copy" --target "$W/rd$i" --quiet
  compare "$W/rs$i$root" "$W/rd$i$root" || fail "copy $i restores differently from its source snapshot"
done
[ "$i" = 3 ] || fail "expected 3 snapshot pairs, got $i"
compare "$SRC" "$W/rd2$SRC" || fail "the copied second snapshot is not the tree"
pass "every copied snapshot restores byte-exact, with metadata, as its source"

# A second copy copies nothing (the loop above ran one: check its figures again).
dst copy "${from[@]}" --json > "$W/again.json"
[ "$(json 'd["copied"], d["present"], d["bytes_new"], d["bytes_stored"]' < "$W/again.json")" = "0 3 0 0" ] || fail "second copy: $(cat "$W/again.json")"
[ "$(dst snapshots --json | json 'len(d)')" = 3 ] || fail "a second copy added snapshots"
/usr/bin/python3 "$GB_TESTS/tools/json_shapes.py" "$GB_TESTS/../docs/JSON.md" "copy=$W/again.json" "copy=$W/dry.json" ||
  fail "copy --json differs from docs/JSON.md"
[ "$(json 'set(s["status"] for s in d["snapshots"]), len(d["destination"]["id"])' < "$W/again.json")" = "{'present'} 32" ] ||
  fail "second copy: $(cat "$W/again.json")"
pass "a second copy copies nothing (--json has the members docs/JSON.md lists, of their types)"

# Deltas and dedup stay: the destination holds about what the source holds.
s=$(du -sb "$REPO/data" | cut -f1) d=$(du -sb "$DST/data" | cut -f1)
[ "$d" -le $((s + s / 10)) ] || fail "destination data $d bytes against the source's $s"
pass "destination data $d bytes, source $s"

# A new backup into the destination goes on from the copied line, with a
# delta against a copied version (its signature came along).
echo again >> "$SRC/plain.txt"
dd if=/dev/urandom of="$SRC/four-mb.bin" bs=4096 count=1 seek=700 conv=notrunc status=none
dst backup "$SRC" --json --no-progress > "$W/b4.json"
grep -q '"checkpoint":false' "$W/b4.json" || fail "a backup after the copy did not build on the copied snapshot: $(cat "$W/b4.json")"
grep -qE '"deltas":[1-9]' "$W/b4.json" || fail "a backup after the copy stored no delta against copied content: $(cat "$W/b4.json")"
dst restore latest --target "$W/r4" --quiet
compare "$SRC" "$W/r4$SRC" || fail "a backup on top of the copy does not restore"
pass "a backup into the destination builds on the copied snapshot"

dst verify --read-data > "$W/verify.txt" || fail "verify --read-data of the destination: $(cat "$W/verify.txt")"
grep -q 'no problems found' "$W/verify.txt" || fail "verify did not report success"
pass "verify --read-data of the destination is clean"

# Wrong or missing source cap: one sentence, non-zero.
expect_fail 11 'source repository.*cap does not open' dst copy --from-repo "file://$REPO" --from-cap-file "$OCAP"
one_clear_sentence "$W/err.txt" 'source repository'
expect_fail 2 'needs the source repository.s cap' dst copy --from-repo "file://$REPO"
one_clear_sentence "$W/err.txt" 'cap'
GRIDBACKUP_FROM_CAP_FILE=$CAP GRIDBACKUP_FROM_REPO=file://$REPO dst copy --quiet || fail "copy from the environment's source failed"
pass "GRIDBACKUP_FROM_REPO and GRIDBACKUP_FROM_CAP_FILE name the source"

expect_fail 2 'the same repository' gb copy --from-cap-file "$CAP"

# Killed (-9) part-way, a copy run again finishes: what was committed stays,
# what was stored but not indexed is adopted, nothing is copied twice.
KILL=$W/kill KCAP=$W/kcap
"$GB" init --repo "file://$KILL" --cap-file "$KCAP" --quiet > /dev/null
# Ctrl-C first: exit 130, no lock left in either repository.
"$GB" --cap-file "$KCAP" copy "${from[@]}" --limit-upload 3000 --quiet 2> "$W/int.err" & copier=$!
for _ in $(seq 1 50); do ls "$KILL/locks" 2>/dev/null | grep -q '^copy-' && ls "$REPO/locks" | grep -q '^copy-' && break; sleep 0.1; done
ls "$REPO/locks" | grep -q '^copy-' || fail "copy holds no lock in the source: $(ls "$REPO/locks")"
kill -INT "$copier"
rc=0 && wait "$copier" || rc=$?
[ "$rc" = 130 ] || fail "copy ended by SIGINT exited $rc: $(cat "$W/int.err")"
[ -z "$(ls "$KILL/locks" "$REPO/locks" 2>/dev/null | grep '^copy-')" ] || fail "SIGINT left copy locks: $(ls "$KILL/locks" "$REPO/locks")"
pass "copy ended by SIGINT: exit 130, its locks in both repositories removed"
"$GB" --cap-file "$KCAP" copy "${from[@]}" --limit-upload 3000 --quiet & copier=$!
sleep 0.7
kill -9 "$copier" 2> /dev/null || true
wait "$copier" 2> /dev/null || true
"$GB" --cap-file "$KCAP" copy "${from[@]}" --json > "$W/resumed.json"
[ "$(json 'd["copied"] + d["present"]' < "$W/resumed.json")" = 3 ] || fail "resumed: $(cat "$W/resumed.json")"
k=$(du -sb "$KILL/data" | cut -f1) s=$(du -sb "$REPO/data" | cut -f1)
[ "$k" -le $((s + s / 10)) ] || fail "after a killed copy and a second one the destination holds $k bytes of data against the source's $s"
"$GB" --cap-file "$KCAP" restore latest --path "$SRC" --target "$W/rk" --quiet
compare "$W/rs2$SRC" "$W/rk$SRC" || fail "a resumed copy restores differently"
"$GB" --cap-file "$KCAP" verify --read-data > "$W/verify-kill.txt" 2>&1 || fail "verify after a killed copy: $(cat "$W/verify-kill.txt")"
pass "a copy killed part-way and run again: $(json '"%d copied now, %d before the kill" % (d["copied"], d["present"])' < "$W/resumed.json")"

# A snapshot whose parent is forgotten in the source (so not chosen) is
# copied as a checkpoint of its view, and restores the same.
read -r first second <<< "$(gb snapshots --json | json '" ".join(s["id"] for s in d[:2])')"
gb forget "$first" --quiet
NEW=$W/new NCAP=$W/ncap
"$GB" init --repo "file://$NEW" --cap-file "$NCAP" --quiet > /dev/null
"$GB" --cap-file "$NCAP" copy "${from[@]}" "$second" --json > "$W/alone.json"
[ "$(json 'd["copied"], d["snapshots"][0]["checkpoint"]' < "$W/alone.json")" = "1 True" ] || fail "alone: $(cat "$W/alone.json")"
"$GB" --cap-file "$NCAP" restore latest --path "$SRC" --target "$W/rn" --quiet
compare "$W/rs2$SRC" "$W/rn$SRC" || fail "a snapshot copied without its parent restores differently"
pass "a snapshot copied without its (forgotten) parent is a checkpoint and restores the same"

# A snapshot whose content is not uploaded yet is left out (exit 3), the rest still copies.
echo queued > "$SRC/queued-file"
gb backup "$SRC" --no-upload --quiet --no-progress
rc=0
dst copy "${from[@]}" --json > "$W/inc.json" 2> "$W/inc.err" || rc=$?
[ "$rc" = 3 ] || fail "copy of an incomplete snapshot exited $rc"
[ "$(json 'd["incomplete"], d["copied"]' < "$W/inc.json")" = "1 0" ] || fail "incomplete: $(cat "$W/inc.json")"
grep -q 'not complete in the source' "$W/inc.err" || fail "no word on the incomplete snapshot: $(cat "$W/inc.err")"
pass "a snapshot not uploaded in the source is left out, exit 3"
