# `snapshots` says for each snapshot how many files are not stored yet, and
# works it out from each snapshot's own log on top of its parent's answer:
# these cases check that walk against what each snapshot's view holds.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/a" "$SRC/b"
for i in $(seq 1 6); do head -c $((i * 1000)) /dev/urandom > "$SRC/a/f$i"; done
echo kept > "$SRC/b/kept"
init_repo
pending_of() {  # pending_of N: pending files of the Nth snapshot (oldest first)
  gb snapshots --json | grep -o '"pending_files":[0-9]*' | sed -n "$1p" | cut -d: -f2
}

gb backup --quiet "$SRC"                       # 1: everything stored
gb backup --no-upload --quiet "$SRC"           # 2: nothing changed, nothing pending
echo new > "$SRC/a/new"; echo changed >> "$SRC/a/f1"; rm "$SRC/a/f2"
gb backup --no-upload --quiet "$SRC"           # 3: a new and a changed file pending
rm "$SRC/a/new"; echo again >> "$SRC/a/f3"
gb backup --no-upload --quiet "$SRC"           # 4: the new file gone, f1 still, f3 too
[ "$(pending_of 1)" = 0 ] || fail "snapshot 1 should be complete, says $(pending_of 1)"
[ "$(pending_of 2)" = 0 ] || fail "snapshot 2 should be complete, says $(pending_of 2)"
[ "$(pending_of 3)" = 2 ] || fail "snapshot 3 should lack 2 files (new, f1), says $(pending_of 3)"
[ "$(pending_of 4)" = 2 ] || fail "snapshot 4 should lack 2 files (f1, f3), says $(pending_of 4)"
pass "pending files follow each snapshot's own changes and its parent's"

gb upload --quiet
# The upload stores what the files hold now: snapshot 3's new file is gone
# and its f3 was superseded, so 3 keeps one pending file; 4 is complete.
[ "$(pending_of 3)" = 1 ] || fail "snapshot 3 should lack only a/new after the upload, says $(pending_of 3)"
[ "$(pending_of 4)" = 0 ] || fail "snapshot 4 should be complete after the upload, says $(pending_of 4)"
gb snapshots | holds "1 files pending" || fail "the table does not show the pending file: $(gb snapshots)"
pass "after the upload: the latest snapshot complete, an older one still names its lost file"
