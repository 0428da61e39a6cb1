# GridBackup's own files are never backed up (issue 20): a backup of a
# directory holding the repository, the state dir and the cap file (a home
# with the default layout) leaves all three out, says so in one line, and a
# second run of the unchanged tree adds nothing. Also for a grid whose
# members are local directories.
source "$GB_TESTS/tools/cli_lib.sh"
H=$W/home
mkdir -p "$H/docs"
for i in 1 2 3; do head -c $((i * 7000)) /dev/urandom > "$H/docs/f$i"; done
export GRIDBACKUP_STATE_DIR=$H/.local/state/gridbackup
CAP=$H/.config/gridbackup/cap
"$GB" init --repo "file://$H/.local/share/gridbackup/repository" --cap-file "$CAP" --quiet > /dev/null

gb backup "$H" --json > "$W/b1.json" 2> "$W/b1.err"
gb backup "$H" > /dev/null 2> "$W/b2.err"
grep -q "^gridbackup: note: excluding the repository $H/.local/share/gridbackup/repository, the state dir $GRIDBACKUP_STATE_DIR and the cap file $CAP (GridBackup's own files)$" "$W/b2.err" \
  || { cat "$W/b2.err" >&2; fail "no one-line note naming the excluded own files"; }
gb backup "$H" --json > "$W/b3.json" 2> /dev/null
grep -q '"bytes_stored":0,' "$W/b3.json" || fail "an unchanged tree added bytes: $(cat "$W/b3.json")"
grep -q '"changed_entries":0,' "$W/b3.json" || fail "an unchanged tree had changed entries: $(cat "$W/b3.json")"
gb ls latest > "$W/ls.txt"
grep -q "$H/docs/f3" "$W/ls.txt" || fail "ls does not show the data"
if grep -E "gridbackup/repository|state/gridbackup|gridbackup/cap" "$W/ls.txt"; then fail "own files were backed up"; fi
pass "repository, state dir and cap file left out; unchanged tree adds nothing"

# A grid with local members inside the backed-up tree.
G=$W/g
mkdir -p "$G/data" && echo x > "$G/data/x"
export GRIDBACKUP_STATE_DIR=$W/gstate
CAP=$W/gcap
"$GB" init --repo "grid:k=1|file://$G/m1|$G/m2" --cap-file "$CAP" --quiet > /dev/null
gb backup "$G" > /dev/null 2> "$W/g2.err"
gb backup "$G" --json > "$W/g2.json"
grep -q "excluding the repository $G/m1 and the repository $G/m2" "$W/g2.err" || { cat "$W/g2.err" >&2; fail "grid members not named"; }
grep -q '"changed_entries":0,' "$W/g2.json" || fail "grid members were backed up: $(cat "$W/g2.json")"
gb ls latest | holds "$G/m1" && fail "a grid member was backed up"
pass "local grid members are left out"
