# Starts tests/storage/tahoe_mock.py (sourced, not run; tests/tools/mock_lib.sh):
# start_tahoe_mock DIR sets TAHOE_PORT and TAHOE_CAP (its requests go to
# DIR/requests.log); stop_mock stops it. The caller's EXIT trap should call stop_mock.
source "$(dirname "${BASH_SOURCE[0]}")/mock_lib.sh"
start_tahoe_mock() {
  start_mock tahoe_mock.py "$1"
  read -r TAHOE_PORT TAHOE_CAP < "$1/port"
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
