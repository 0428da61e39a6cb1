# Every command's --json parses and has the members docs/JSON.md lists, of
# the listed types, and no member the page does not list (its ```json-fields
# blocks; tests/tools/json_shapes.py checks them). Runs each command once on a
# small real repository; other tests assert the values.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/sub"
echo hello > "$SRC/a.txt"
head -c 200000 /dev/urandom > "$SRC/sub/b.bin"
ln -s a.txt "$SRC/link"
init_repo
J=$W/json
mkdir -p "$J"
CHECKS=()
# out NAME FILE: FILE is checked against the block NAME at the end.
out() { CHECKS+=("$1=$2"); }

step "backup --json: an error line for a missing path, status lines while it runs, the summary"
rc=0
gb backup "$SRC" "$W/missing" --json > "$J/backup1" 2> "$W/backup1.err" || rc=$?
[ "$rc" = 3 ] || { cat "$W/backup1.err"; fail "a backup with a missing path exits $rc, not 3"; }
out "backup summary" "$J/backup1"
out "backup error" "$J/backup1"
echo changed >> "$SRC/a.txt"
# Held (test hook, core/common/test_pause.h) before its snapshot is saved, so
# it runs past the first second and prints status lines.
GRIDBACKUP_TEST_PAUSE_AT=snapshot-save GRIDBACKUP_TEST_PAUSE_FILE=$W/go gb backup "$SRC" --json > "$J/backup2" &
backup=$!
for _ in $(seq 1 100); do [ -e "$W/go.reached" ] && break; sleep 0.05; done
[ -e "$W/go.reached" ] || fail "the backup never reached its pause"
sleep 1.2
touch "$W/go"
wait $backup || fail "the held backup failed"
out "backup status" "$J/backup2"
out "backup summary" "$J/backup2"
grep -q '"message_type":"status"' "$J/backup2" || fail "a backup of more than a second printed no status line: $(cat "$J/backup2")"

step "upload --json, status --json (idle, and while a limited upload runs)"
head -c 300000 /dev/urandom > "$SRC/sub/c.bin"
gb backup "$SRC" --no-upload --quiet
gb status --json > "$J/status-idle" 2> /dev/null
out status "$J/status-idle"
"$GB" --cap-file "$CAP" upload --limit-upload 100 --parallel 1 --json > "$J/upload" 2> /dev/null &
uploader=$!
for _ in $(seq 1 50); do
  gb status --json > "$J/status-busy" 2> /dev/null
  holds '"bytes_done":[0-9]' < "$J/status-busy" && break
  sleep 0.1
done
holds '"bytes_done":[0-9]' < "$J/status-busy" || fail "status --json never showed the running upload: $(cat "$J/status-busy")"
out status "$J/status-busy"
wait $uploader || fail "the upload failed"
out upload "$J/upload"

step "every output against docs/JSON.md"
/usr/bin/python3 "$GB_TESTS/tools/json_shapes.py" "$GB_TESTS/../docs/JSON.md" "${CHECKS[@]}" || fail "a --json output differs from docs/JSON.md"
pass "json shapes as documented"
