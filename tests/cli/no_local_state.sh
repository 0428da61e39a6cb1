# The root cap alone restores everything on a machine with no local state:
# no state dir, no cap file, no environment, only the printed string.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
make_odd_tree "$SRC"
init_repo
cap_string=$(cat "$W/cap.txt")
[ "${#cap_string}" -le 200 ] || fail "cap is ${#cap_string} characters, want at most 200"
[ "$(stat -c %a "$CAP")" = 600 ] || fail "cap file mode is $(stat -c %a "$CAP"), want 600"
gb backup "$SRC" --quiet
gb backup "$SRC" --quiet
rm -rf "$GRIDBACKUP_STATE_DIR" "$CAP"
export GRIDBACKUP_STATE_DIR=$W/fresh-state HOME=$W/fresh-home
"$GB" snapshots --cap "$cap_string" | holds '2 snapshots' || fail "snapshots not listed from the cap alone"
"$GB" restore latest --cap "$cap_string" --target "$W/restored" --quiet
compare "$SRC" "$W/restored$SRC" || fail "restore from the cap alone differs"
GRIDBACKUP_CAP=$cap_string "$GB" ls latest --quiet > /dev/null || fail "GRIDBACKUP_CAP not honoured"
pass "cap alone lists and restores, with no local state"
