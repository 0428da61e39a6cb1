# OpenStack Swift all-in-one (scripts/swift-saio) for tests and benchmarks:
# install when missing, pick free ports, set up, start, wait, stop, crash one
# server. Sourced, not run. Sets no shell options, so it works in scripts
# with and without `set -e`: every function returns non-zero on failure and
# leaves the reason in SWIFT_ERROR; the caller decides to skip or fail.
#
#   swift_ensure_installed       install Swift's packages when missing (root, apt)
#   swift_start DIR [SECONDS]    pick free ports, set up DIR, start every server,
#                                wait until an object can be written; sets
#                                SWIFT_DIR, and exports PORT_BASE and PROXY_PORT
#   swift_stop [NAME...]         stop all servers, or the named ones (TERM, waits)
#   swift_kill NAME              crash one server: SIGKILL to its process group,
#                                no graceful shutdown (swift_start_servers brings
#                                it back)
#   swift_start_servers NAME...  start stopped or crashed servers again
#   swift_wait [SECONDS]         until an object can be written again
#   swift_cleanup                stop everything and remove SWIFT_DIR
#
# Server names: memcached account-N container-N (N=1..3) object-N (N=1..6) proxy.
# S3 credentials: AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing.

SWIFT_SAIO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/swift-saio
SWIFT_DIR=   # set by swift_start; never taken from the environment (swift_cleanup removes it)
SWIFT_ERROR=
source "$(dirname "${BASH_SOURCE[0]}")/install_lib.sh"   # install_missing, port_free

swift_installed() {
  [ -x /usr/bin/swift-proxy-server ] && [ -x /usr/bin/memcached ] &&
    /usr/bin/python3 -c 'import pyeclib' 2>/dev/null &&
    grep -q 'libisal\.so\.2' <<< "$(/sbin/ldconfig -p)"
}

swift_ensure_installed() {
  swift_installed && return 0
  install_missing "OpenStack Swift" "sudo $SWIFT_SAIO install" swift_installed "$SWIFT_SAIO" install ||
    { SWIFT_ERROR=$INSTALL_ERROR; return 1; }
}

# A free block of ports, chosen per run so that a developer's own Swift
# (8080, 6010...) or a parallel run does not collide with this one: proxy
# at BASE+80, memcached at BASE+1211, servers at BASE+10..BASE+72.
_swift_pick_base() {
  local base p ok
  for _ in $(seq 1 50); do
    base=$((20000 + RANDOM % 110 * 100))  # below the ephemeral range (32768-)
    ok=1
    for p in $((base + 80)) $((base + 1211)) $(seq $((base + 10)) $((base + 72))); do
      port_free "$p" || { ok=0; break; }
    done
    [ $ok = 1 ] && { echo "$base"; return 0; }
  done
  return 1
}

swift_start() { # DIR [SECONDS]
  local dir=$1 limit=${2:-120} base
  SWIFT_ERROR= SWIFT_DIR=$dir   # swift_cleanup removes it even if the start fails
  swift_installed || { SWIFT_ERROR="OpenStack Swift is not installed (run: sudo $SWIFT_SAIO install)"; return 1; }
  base=$(_swift_pick_base) || { SWIFT_ERROR="no free block of ports on 127.0.0.1"; return 1; }
  export PORT_BASE=$base PROXY_PORT=$((base + 80))
  "$SWIFT_SAIO" setup "$dir" > /dev/null || { SWIFT_ERROR="swift-saio setup $dir failed"; return 1; }
  "$SWIFT_SAIO" start "$dir" || { SWIFT_ERROR="swift-saio start $dir failed"; return 1; }
  if ! "$SWIFT_SAIO" wait "$dir" "$limit"; then
    "$SWIFT_SAIO" status "$dir" >&2
    SWIFT_ERROR="Swift did not start within $limit s (server status and proxy log above)"
    return 1
  fi
}

swift_stop() { [ -n "$SWIFT_DIR" ] && "$SWIFT_SAIO" stop "$SWIFT_DIR" "$@"; }

swift_kill() { # NAME
  local f=$SWIFT_DIR/run/$1.pid pid
  [ -f "$f" ] || { SWIFT_ERROR="swift_kill: $1 is not running"; return 1; }
  pid=$(cat "$f")
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  # Forget the pid (and wait until the group is gone, so the port is free).
  "$SWIFT_SAIO" stop "$SWIFT_DIR" "$1"
}

swift_start_servers() { "$SWIFT_SAIO" start "$SWIFT_DIR" "$@"; }

swift_wait() { "$SWIFT_SAIO" wait "$SWIFT_DIR" "${1:-60}" > /dev/null; }

swift_cleanup() {
  [ -n "$SWIFT_DIR" ] || return 0
  "$SWIFT_SAIO" stop "$SWIFT_DIR" > /dev/null 2>&1 || true
  rm -rf "$SWIFT_DIR"
  SWIFT_DIR=
}
