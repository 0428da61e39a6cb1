# The web API imitations of tests/storage (*_mock.py), for the tests that
# drive a backend against one (sourced, not run, after test_steps.sh). A
# mock writes the port it listens on (and what else it has to tell, on the
# same line) to DIR/port once it serves, each request to DIR/requests.log,
# its own messages to DIR/mock.log.
#   need_python3 TEST WHAT   skip loudly (exit 77) where python3 is missing
#   start_mock SCRIPT DIR    start tests/storage/SCRIPT and wait until it
#                            serves (10 s at most); its pid in MOCK_PID
#   stop_mock                stop it and wait until it is gone
MOCK_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../storage" && pwd)
MOCK_PID=
need_python3() {
  command -v python3 > /dev/null || skip_untested "$1" "$2" "no python3 to run the web API imitation"
}
start_mock() {
  local script=$1 dir=$2
  python3 "$MOCK_SCRIPTS/$script" "$dir/port" "$dir/requests.log" 2> "$dir/mock.log" &
  MOCK_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$dir/port" ] && return 0
    kill -0 "$MOCK_PID" 2> /dev/null || break
    sleep 0.1
  done
  cat "$dir/mock.log" >&2
  fail "$script did not start"
}
stop_mock() {
  if [ -n "$MOCK_PID" ]; then
    kill "$MOCK_PID" 2> /dev/null || true
    wait "$MOCK_PID" 2> /dev/null || true
    MOCK_PID=
  fi
}
