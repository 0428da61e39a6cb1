# Every command's --json parses and has the members docs/JSON.md lists, of
# the listed types, and no member the page does not list (its ```json-fields
# blocks; tests/tools/json_shapes.py checks them). Runs each command once on a
# small real repository, and checks what the outputs without a test of their
# own say (backup's lines, restore, verify, tag, unlock, init, cap info,
# service status and pause, grid status); other tests assert the rest's values.
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

step "the listing and report commands"
read -r S1 S2 _ <<< "$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))')"
[ -n "$S2" ] || fail "two snapshots were not listed"
gb snapshots --json > "$J/snapshots"; out snapshots "$J/snapshots"
gb ls latest --json > "$J/ls"; out ls "$J/ls"
gb find '*.txt' --json > "$J/find"; out find "$J/find"
gb diff "$S1" "$S2" --json > "$J/diff"; out diff "$J/diff"
gb versions "$SRC/a.txt" --json > "$J/versions"; out versions "$J/versions"
gb stats --json > "$J/stats"; out stats "$J/stats"
"$GB" config show --json > "$J/config"; out "config show" "$J/config"

step "forget, prune, tag"
gb forget --keep-last 1 --dry-run --json > "$J/forget"; out forget "$J/forget"
gb forget --keep-last 1 --dry-run --prune --json > "$J/forget-prune"; out "forget --prune" "$J/forget-prune"
gb prune --dry-run --json > "$J/prune"; out prune "$J/prune"
gb tag --add json "$S1" --json > "$J/tag"; out tag "$J/tag"

step "restore, verify"
gb restore latest --target "$W/r" --json > "$J/restore"; out restore "$J/restore"
compare "$SRC" "$W/r$SRC" || fail "the restore differs"
gb restore latest --target "$W/r" --overwrite if-changed --delete --dry-run --json > "$J/restore-dry"; out restore "$J/restore-dry"
gb verify --read-data --json > "$J/verify"; out verify "$J/verify"

step "unlock: the lock of a backup killed with -9"
echo again >> "$SRC/a.txt"
GRIDBACKUP_TEST_PAUSE_AT=snapshot-save GRIDBACKUP_TEST_PAUSE_FILE=$W/never "$GB" --cap-file "$CAP" backup "$SRC" --quiet &
held=$!
for _ in $(seq 1 100); do [ -e "$W/never.reached" ] && break; sleep 0.05; done
[ -e "$W/never.reached" ] || fail "the backup to kill never reached its pause"
kill -9 "$held"; wait "$held" 2> /dev/null || true
gb unlock --json > "$J/unlock"; out unlock "$J/unlock"

step "init (no cap in its output), copy into the new repository, cap info"
"$GB" init --repo "file://$W/repo2" --cap-file "$W/cap2" --json > "$J/init"; out init "$J/init"
grep -qF "$(cat "$W/cap2")" "$J/init" && fail "init --json printed the cap"
"$GB" --cap-file "$W/cap2" copy --from-repo "file://$REPO" --from-cap-file "$CAP" --json > "$J/copy"; out copy "$J/copy"
gb cap info --json > "$J/cap-root"; out "cap info" "$J/cap-root"
gb cap info "$(gb cap derive backup --host laptop)" --json > "$J/cap-backup"; out "cap info" "$J/cap-backup"

step "agent status, service status"
# A backup --from-journal sets up the change journal in its state dir: the agent's status is an object then.
GRIDBACKUP_STATE_DIR=$W/agent-state gb backup --from-journal "$SRC" --no-upload --quiet
GRIDBACKUP_STATE_DIR=$W/agent-state gb agent status --json > "$J/agent"; out "agent status" "$J/agent"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$W/svc" --full-scan-interval 1h --power-supply-root "$W/none" "$SRC" > "$W/svc.log" 2>&1 &
svc=$!
for _ in $(seq 1 100); do grep -q 'full-scan snapshot saved' "$W/svc.log" && break; sleep 0.05; done
# A pause over the control socket: its answer, and status shows it after the service stopped.
"$GB" service pause --for 1h --state-dir "$W/svc" --json > "$J/service-pause"; out "service control" "$J/service-pause"
kill -TERM "$svc"; wait "$svc" 2> /dev/null || true
grep -q 'full-scan snapshot saved' "$W/svc.log" || { cat "$W/svc.log"; fail "the service made no snapshot"; }
"$GB" service status --state-dir "$W/svc" --json > "$J/service"; out "service status" "$J/service"

step "grid verify, grid status, repair on a 3-of-5 grid of file members"
GCAP=$W/grid-cap
GRID="grid:k=3"
for i in 0 1 2 3 4; do GRID+="|m$i=$W/members/m$i"; done
"$GB" init --repo "$GRID" --cap-file "$GCAP" --quiet > /dev/null
"$GB" --cap-file "$GCAP" backup "$SRC" --quiet --state-dir "$W/grid-state"
rm -rf "$W/members/m4"
# One member gone: verify and status say so (exit 3), repair writes its shares again.
rc=0; "$GB" --cap-file "$GCAP" grid verify --json > "$J/grid-verify" || rc=$?
[ "$rc" = 3 ] || fail "grid verify with a member gone exits $rc, not 3"
out "grid verify" "$J/grid-verify"
rc=0; "$GB" --cap-file "$GCAP" grid status --json > "$J/grid-status" || rc=$?
[ "$rc" = 3 ] || fail "grid status with a member gone exits $rc, not 3"
out "grid status" "$J/grid-status"
mkdir -p "$W/members/m4"
"$GB" --cap-file "$GCAP" repair --json > "$J/repair" || fail "repair failed: $(cat "$J/repair")"
out "grid verify" "$J/repair"

step "what the new outputs say"
/usr/bin/python3 - "$J" "$SRC" "$W" <<'PY' || fail "a --json output says something wrong"
import json, os, sys
j, src, w = sys.argv[1:]
def load(name): return json.load(open(os.path.join(j, name)))
lines = [json.loads(l) for l in open(os.path.join(j, "backup1"))]
assert [l["message_type"] for l in lines] == ["error", "summary"], lines
assert lines[0]["item"] == os.path.join(w, "missing"), lines[0]
for l in (json.loads(l) for l in open(os.path.join(j, "backup2"))):
    if l["message_type"] == "status":
        assert 0 <= l["percent_done"] < 1 and l["total_files"] > 0 and l["files_done"] > 0, l
restore, dry = load("restore"), load("restore-dry")
assert (restore["files"], restore["dry_run"], restore["failures"]) == (3, False, []), restore
assert dry["dry_run"] and dry["files"] == 0 and dry["kept"] == restore["files"] + restore["others"], dry
verify = load("verify")
assert verify["ok"] and verify["exit_code"] == 0 and verify["read_data"] and verify["packs_read"] > 0, verify
tag, snaps = load("tag"), load("snapshots")
assert len(tag["changed"]) == 1 and tag["changed"][0]["old"] == snaps[0]["id"] and tag["changed"][0]["tags"] == ["json"], tag
unlock = load("unlock")
assert [(l["kind"], l["reason"]) for l in unlock["removed"]] == [("backup", "its process is gone")], unlock
init = load("init")
assert init["url"] == "file://" + os.path.join(w, "repo2") and len(init["repository_id"]) == 32, init
assert load("copy")["destination"]["id"] == init["repository_id"]
root, backup = load("cap-root"), load("cap-backup")
assert root["kind"] == "root" and "prune" in root["may_run"], root
assert (backup["kind"], backup["host"], backup["generation"]) == ("backup", "laptop", 1) and "prune" not in backup["may_run"], backup
service = load("service")
assert {r["job"]: r["exit_code"] for r in service["jobs"]}["snapshot"] == 0, service
pause = load("service-pause")
assert pause["command"] == "pause" and pause["user_pause"]["until_ns"] - pause["user_pause"]["since_ns"] == 3600 * 10**9, pause
assert service["user_pause"] == pause["user_pause"] and not service["service_running"], service
grid = load("grid-status")
assert grid["members_down"] == 1 and [m["reachable"] for m in grid["members"]] == [True] * 4 + [False], grid
assert load("repair")["summary"]["healthy"] == load("repair")["summary"]["objects"], load("repair")
PY
pass "the outputs hold the figures of what ran"

step "every output against docs/JSON.md"
/usr/bin/python3 "$GB_TESTS/tools/json_shapes.py" --all "$GB_TESTS/../docs/JSON.md" "${CHECKS[@]}" || fail "a --json output differs from docs/JSON.md"
pass "json shapes as documented"
