# gridbackup ui in a real browser (Debian's chromium, headless, driven by
# chromium-driver through python3-selenium): on a repository with two
# snapshots of a small tree where one file changed, the page opened with its
# token shows the last snapshot on the dashboard; the snapshot list opens a
# snapshot, the browser walks to the file, its version history lists both
# versions, and the older one downloads with its old bytes; restored through
# the page (a job: progress, then restore --json's result) to a directory it
# has its old bytes there, and overwrite 'never' keeps it when the newer is
# restored over it; a directory downloads as a tar; the search finds the
# file in both snapshots, the diff of the two lists it modified, the
# timeline has one mark per snapshot; the dashboard shows the queue and a
# bar a minute of the upload rate, as status --json; with a service running
# on its state dir, its health and last upkeep (as service status --json),
# and Pause, Resume and Back up now reach it; on a grid with a member down,
# the dashboard lists the members as grid status --json. Requests without
# the token (or a POST with only the cookie) get 403 (checked with urllib
# too), the page's JSON (snapshots, versions, status, find, diff, the restore
# job's result) equals the CLI's --json, and a non-loopback --listen
# is refused. Screenshots: build/ui-{dashboard,versions,restore,diff,timeline,service}.png.
# Only 127.0.0.1 is ever contacted (chromium resolves no other name).
source "$GB_TESTS/tools/cli_lib.sh"
missing=
command -v chromium > /dev/null || missing+=" chromium"
command -v chromedriver > /dev/null || missing+=" chromium-driver"
/usr/bin/python3 -c 'import selenium' 2> /dev/null || missing+=" python3-selenium"
[ -z "$missing" ] || fail "this test needs Debian's$missing (scripts/install-deps test installs them)"

init_repo
mkdir -p "$W/tree/docs/notes" "$W/restored"
echo "the first version of the plan" > "$W/tree/docs/notes/plan.txt"
echo "stays the same" > "$W/tree/docs/readme.txt"
cp "$W/tree/docs/notes/plan.txt" "$W/old-plan.txt"
# 1 MiB uploaded at 512 KiB/s: the minutes of the upload rate's history (about 2 s).
head -c 1048576 /dev/urandom > "$W/tree/big.bin"
gb backup "$W/tree" --no-upload --quiet
gb upload --limit-upload 512 --parallel 1 --quiet
echo "the second, longer version of the plan" > "$W/tree/docs/notes/plan.txt"
touch -d '+1 minute' "$W/tree/docs/notes/plan.txt"
gb backup "$W/tree" --quiet
gb snapshots --json > "$W/snapshots.json"
gb versions "$W/tree/docs/notes/plan.txt" --json > "$W/versions.json"
gb find plan.txt --json > "$W/find.json"
gb status --json > "$W/status.json"
ids=$(/usr/bin/python3 -c 'import json, sys; print(" ".join(s["id"] for s in json.load(open(sys.argv[1]))))' "$W/snapshots.json")
# shellcheck disable=SC2086 # two ids
gb diff $ids --json > "$W/diff.json"

# A non-loopback address is refused without --allow-remote, in one sentence.
expect_fail 2 "ui listens on this machine only .*--allow-remote" "$GB" --cap-file "$CAP" ui --listen 0.0.0.0:0

# The binary itself, not the gb function: $! must be its pid for the kill at exit.
"$GB" --cap-file "$CAP" ui > "$W/ui.out" 2> "$W/ui.err" &
ui_pid=$!
trap 'kill "$ui_pid" 2> /dev/null; rm -rf "$W"' EXIT
for _ in $(seq 100); do
  grep -q '^http://127.0.0.1:[0-9]*/?token=[0-9a-f]\{32\}$' "$W/ui.out" && break
  kill -0 "$ui_pid" 2> /dev/null || { cat "$W/ui.err"; fail "gridbackup ui ended before it listened"; }
  sleep 0.1
done
url=$(head -1 "$W/ui.out")
[ -n "$url" ] || { cat "$W/ui.err"; fail "gridbackup ui printed no URL"; }
token=${url##*token=}
[ "$(cat "$GRIDBACKUP_STATE_DIR/ui-token")" = "$token" ] || fail "the state dir's ui-token is not the printed token"
[ "$(stat -c %a "$GRIDBACKUP_STATE_DIR/ui-token")" = 600 ] || fail "ui-token is not 0600"
grep -q "$(cut -c1-20 "$CAP")" "$W/ui.out" "$W/ui.err" && fail "the cap appears in ui's output"

# A second page on a 3-of-5 grid with member m4 down (its own state dir):
# the dashboard's grid members as grid status --json says.
source "$GB_TESTS/tools/grid_lib.sh"
"$GB" init --repo "$(grid_url)" --cap-file "$W/grid.cap" --quiet > /dev/null
take_down 4
GRIDBACKUP_STATE_DIR=$W/grid-state "$GB" --cap-file "$W/grid.cap" ui > "$W/grid-ui.out" 2> "$W/grid-ui.err" &
grid_ui_pid=$!
trap 'kill "$ui_pid" "$grid_ui_pid" 2> /dev/null; rm -rf "$W"' EXIT
for _ in $(seq 100); do
  grep -q '^http://127.0.0.1:[0-9]*/?token=[0-9a-f]\{32\}$' "$W/grid-ui.out" && break
  kill -0 "$grid_ui_pid" 2> /dev/null || { cat "$W/grid-ui.err"; fail "the grid's gridbackup ui ended before it listened"; }
  sleep 0.1
done
grid_page=$(head -1 "$W/grid-ui.out")
# After the ui opened it (its lock object, short of m4's share, is recorded as under-replicated).
rc=0
"$GB" --cap-file "$W/grid.cap" grid status --json > "$W/grid.json" || rc=$?
[ "$rc" = 3 ] || fail "grid status with m4 down: exit $rc, not 3"

artifacts=$(dirname "$GB")
timeout 60 /usr/bin/python3 "$GB_TESTS/tools/ui_browser.py" --url "$url" --file "$W/tree/docs/notes/plan.txt" --old "$W/old-plan.txt" \
  --snapshots "$W/snapshots.json" --versions "$W/versions.json" --cap "$CAP" --work "$W/browser" --artifacts "$artifacts" \
  --restored "$W/restored" --job "$W/job.json" --find "$W/find.json" --diff "$W/diff.json" --status "$W/status.json" \
  --grid-page "$grid_page" --grid "$W/grid.json" ||
  { cat "$W/ui.err"; fail "the browser test failed"; }
# The job as docs/JSON.md says ("ui job"); its result is restore --json's object.
/usr/bin/python3 "$GB_TESTS/tools/json_shapes.py" "$GB_TESTS/../docs/JSON.md" "ui job=$W/job.json" "restore=$W/job.json.result" ||
  fail "the restore job is not docs/JSON.md's 'ui job', or its result not restore --json's shape"

# The service on the ui's state dir (a --user service's is the user's): its
# health, upkeep and buttons on the dashboard (tests/tools/ui_service.py).
mkdir -p "$W/svc-src"
echo "the service's own tree" > "$W/svc-src/a"
"$GB" --cap-file "$CAP" service run --no-agent --state-dir "$GRIDBACKUP_STATE_DIR" --full-scan-interval 1h --power-supply-root "$W/none" \
  "$W/svc-src" > "$W/service.log" 2>&1 &
service_pid=$!
trap 'kill "$ui_pid" "$grid_ui_pid" "$service_pid" 2> /dev/null; rm -rf "$W"' EXIT
timeout 60 /usr/bin/python3 "$GB_TESTS/tools/ui_service.py" --url "$url" --gb "$GB" --cap "$CAP" --state "$GRIDBACKUP_STATE_DIR" --src "$W/svc-src" \
  --work "$W/browser" --artifacts "$artifacts" || { cat "$W/ui.err" "$W/service.log"; fail "the service part of the browser test failed"; }
kill -0 "$ui_pid" 2> /dev/null || { cat "$W/ui.err"; fail "gridbackup ui died during the test"; }
pass "ui: token-guarded page, dashboard, snapshots, browser, versions and a download of the old version in chromium"
