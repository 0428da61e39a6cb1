# Starts tests/storage/tahoe_mock.py (sourced, not run): start_tahoe_mock DIR
# sets TAHOE_PORT, TAHOE_CAP and TAHOE_MOCK_PID (its requests go to DIR/requests.log);
# stop_tahoe_mock stops it. The caller's EXIT trap should call stop_tahoe_mock.
TAHOE_MOCK_PID=
start_tahoe_mock() {
  local dir=$1
  python3 "$GB_TESTS/storage/tahoe_mock.py" "$dir/port" "$dir/requests.log" 2> "$dir/mock.log" &
  TAHOE_MOCK_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$dir/port" ] && break
    kill -0 "$TAHOE_MOCK_PID" 2>/dev/null || { cat "$dir/mock.log" >&2; echo "FAIL: the web API imitation did not start" >&2; exit 1; }
    sleep 0.1
  done
  read -r TAHOE_PORT TAHOE_CAP < "$dir/port"
}
stop_tahoe_mock() {
  if [ -n "$TAHOE_MOCK_PID" ]; then
    kill "$TAHOE_MOCK_PID" 2>/dev/null || true
    wait "$TAHOE_MOCK_PID" 2>/dev/null || true
    TAHOE_MOCK_PID=
  fi
}
# tahoe_readonly_cap: the read-only cap (URI:DIR2-RO:...) of the imitation's root cap.
tahoe_readonly_cap() {
  python3 -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))[1]["ro_uri"])' \
    "http://127.0.0.1:$TAHOE_PORT/uri/$TAHOE_CAP?t=json"
}
# tahoe_mock_control QUERY: the imitation's own settings (servers=N, unavailable=NAME).
tahoe_mock_control() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="POST"))' \
    "http://127.0.0.1:$TAHOE_PORT/mock?$1"
}
