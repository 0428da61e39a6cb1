# gridbackup ui in a real browser (Debian's chromium, headless, driven by
# chromium-driver through python3-selenium): on a repository with two
# snapshots of a small tree where one file changed, the page opened with its
# token shows the last snapshot on the dashboard; the snapshot list opens a
# snapshot, the browser walks to the file, its version history lists both
# versions, and the older one downloads with its old bytes. Requests without
# the token (or a POST with only the cookie) get 403 (checked with urllib
# too), the page's JSON equals the CLI's --json, and a non-loopback --listen
# is refused. Screenshots: build/ui-dashboard.png, build/ui-versions.png.
# Only 127.0.0.1 is ever contacted (chromium resolves no other name).
source "$GB_TESTS/tools/cli_lib.sh"
missing=
command -v chromium > /dev/null || missing+=" chromium"
command -v chromedriver > /dev/null || missing+=" chromium-driver"
/usr/bin/python3 -c 'import selenium' 2> /dev/null || missing+=" python3-selenium"
[ -z "$missing" ] || fail "this test needs Debian's$missing (scripts/install-deps test installs them)"

init_repo
mkdir -p "$W/tree/docs/notes"
echo "the first version of the plan" > "$W/tree/docs/notes/plan.txt"
echo "stays the same" > "$W/tree/docs/readme.txt"
cp "$W/tree/docs/notes/plan.txt" "$W/old-plan.txt"
gb backup "$W/tree" --quiet
echo "the second, longer version of the plan" > "$W/tree/docs/notes/plan.txt"
touch -d '+1 minute' "$W/tree/docs/notes/plan.txt"
gb backup "$W/tree" --quiet
gb snapshots --json > "$W/snapshots.json"
gb versions "$W/tree/docs/notes/plan.txt" --json > "$W/versions.json"

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

artifacts=$(dirname "$GB")
timeout 60 /usr/bin/python3 "$GB_TESTS/tools/ui_browser.py" --url "$url" --file "$W/tree/docs/notes/plan.txt" --old "$W/old-plan.txt" \
  --snapshots "$W/snapshots.json" --versions "$W/versions.json" --cap "$CAP" --work "$W/browser" --artifacts "$artifacts" ||
  { cat "$W/ui.err"; fail "the browser test failed"; }
kill -0 "$ui_pid" 2> /dev/null || { cat "$W/ui.err"; fail "gridbackup ui died during the test"; }
pass "ui: token-guarded page, dashboard, snapshots, browser, versions and a download of the old version in chromium"
