# Debian's OpenSSH server on a loopback port for the sftp:// tests, with a
# throwaway host key and user key. Sourced, not run. Sets no shell options:
# every function returns non-zero on failure with the reason in SSHD_ERROR.
#
#   sshd_ensure_installed   install openssh-server when missing (root, apt)
#   sshd_start DIR          start sshd on a free port of 127.0.0.1; sets
#                           SSHD_PORT and SSHD_PID. Writes in DIR:
#     host_key(.pub)          the server's host key
#     home/.ssh/id_ed25519    the user's key (authorized in DIR/authorized_keys)
#     home/.ssh/known_hosts   the host key, recorded for [127.0.0.1]:PORT
#     sftp-start/             where relative paths (and /~/ URLs) start
#     sshd_config, sshd.log
#                           Point HOME at DIR/home so that key and known_hosts
#                           are found as they are for a real user.
#   sshd_stop               stop the listener (and wait until it is gone);
#                           sessions already open stay: each runs in its own
#                           process
#   sshd_restart            start it again: same port, keys and config

SSHD_PORT= SSHD_PID= SSHD_ERROR= SSHD_DIR=

source "$(dirname "${BASH_SOURCE[0]}")/install_lib.sh"   # install_missing, port_free

_sshd_installed() { [ -x /usr/sbin/sshd ]; }
sshd_ensure_installed() {
  _sshd_installed && return 0
  install_missing openssh-server "sudo apt-get install openssh-server" _sshd_installed \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server ||
    { SSHD_ERROR=$INSTALL_ERROR; return 1; }
}

sshd_start() { # DIR
  local t=$1 candidate
  SSHD_ERROR= SSHD_PORT= SSHD_PID=
  [ -x /usr/sbin/sshd ] || { SSHD_ERROR="openssh-server is not installed"; return 1; }
  for _ in $(seq 1 50); do
    candidate=$((10000 + RANDOM % 10000))
    port_free "$candidate" && { SSHD_PORT=$candidate; break; }
  done
  [ -n "$SSHD_PORT" ] || { SSHD_ERROR="no free port on 127.0.0.1"; return 1; }
  mkdir -p "$t/home/.ssh" "$t/sftp-start" && chmod 700 "$t/home/.ssh" || { SSHD_ERROR="cannot write in $t"; return 1; }
  rm -f "$t/host_key" "$t/host_key.pub" "$t/home/.ssh/id_ed25519" "$t/home/.ssh/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C gb-test-host -f "$t/host_key" &&
    ssh-keygen -q -t ed25519 -N '' -C gb-test-user -f "$t/home/.ssh/id_ed25519" ||
    { SSHD_ERROR="ssh-keygen failed"; return 1; }
  cp "$t/home/.ssh/id_ed25519.pub" "$t/authorized_keys"
  : > "$t/sshd.log"
  chmod 600 "$t/authorized_keys"
  echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$t/host_key.pub")" > "$t/home/.ssh/known_hosts"
  cat > "$t/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $t/host_key
PidFile $t/sshd.pid
AuthorizedKeysFile $t/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
# Relative paths (and /~/ URLs) start in $t/sftp-start, not in the real home.
Subsystem sftp internal-sftp -d $t/sftp-start
EOF
  SSHD_DIR=$t
  sshd_restart
}

sshd_restart() {
  local t=$SSHD_DIR
  [ -n "$SSHD_PID" ] && return 0
  # sshd insists on its privilege separation directory when run as root.
  [ "$(id -u)" != 0 ] || [ -d /run/sshd ] || mkdir -m 0755 /run/sshd
  /usr/sbin/sshd -D -e -f "$t/sshd_config" >> "$t/sshd.log" 2>&1 &
  SSHD_PID=$!
  for _ in $(seq 1 100); do
    port_free "$SSHD_PORT" || break
    kill -0 "$SSHD_PID" 2>/dev/null || break
    sleep 0.1
  done
  if port_free "$SSHD_PORT"; then
    cat "$t/sshd.log" >&2
    sshd_stop
    SSHD_ERROR="sshd did not start (its log is above)"
    return 1
  fi
}

sshd_stop() {
  if [ -n "$SSHD_PID" ]; then
    kill "$SSHD_PID" 2>/dev/null || true
    wait "$SSHD_PID" 2>/dev/null || true
    SSHD_PID=
  fi
  return 0
}
