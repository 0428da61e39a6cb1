# The shared scenarios in three dialects: each scenario's operations run on a
# real tree (loop-mounted ext4, the fanotify agent recording them); the usn
# and fsevents recordings of the same operations, and the live fanotify one,
# replayed through gridbackup-replay into scratch journals, each give the
# snapshot a full scan takes (tests/tools/scenario_replay.py).
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
trap 'umount_scratch; rm -rf "$W"' EXIT
REPLAY=$(dirname "$GB")/gridbackup-replay
[ -x "$REPLAY" ] || fail "gridbackup-replay is not built next to $GB"
mount_scratch_ext4 "$W/mnt" 64
/usr/bin/python3 "$GB_TESTS/tools/scenario_replay.py" "$GB" "$REPLAY" "$GB_TESTS/scenarios" "$W" "$W/mnt"
