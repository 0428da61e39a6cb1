# What the local test servers (sshd_lib.sh, swift_lib.sh) share: installing
# their packages when missing, and a free port. Sourced by them; sets no
# shell options, returns non-zero on failure with the reason in INSTALL_ERROR.
#
#   install_missing WHAT BY_HAND INSTALLED CMD...
#                   runs CMD (needs root and apt-get; its output is shown only
#                   when it fails), after which the command INSTALLED must
#                   succeed; BY_HAND is what a user without root would run
#   port_free PORT  nothing listens on 127.0.0.1:PORT
INSTALL_ERROR=

install_missing() {
  local what=$1 by_hand=$2 installed=$3 log
  shift 3
  INSTALL_ERROR=
  if [ "$(id -u)" != 0 ]; then
    INSTALL_ERROR="$what is not installed and installing it needs root (run: $by_hand)"
    return 1
  fi
  if ! command -v apt-get > /dev/null; then
    INSTALL_ERROR="$what is not installed and there is no apt-get to install it"
    return 1
  fi
  echo "--- installing $what from Debian packages" >&2
  log=$(mktemp)
  if ! "$@" > "$log" 2>&1 || ! "$installed"; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    INSTALL_ERROR="installing $what failed (apt-get output above)"
    return 1
  fi
  rm -f "$log"
}

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
