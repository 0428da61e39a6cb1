#!/bin/bash
# The sftp:// backend against Debian's OpenSSH server, started by this test on
# a loopback port with a throwaway host key and user key in a temporary
# directory (installed first when missing, as root, via apt).
#
# Checks: the backend_probe conformance sequence with an absolute path and
# with a home-relative (/~/) path; that the layout equals a file://
# repository's; key and known_hosts discovery under $HOME; an unknown host key
# refused with a clear sentence, accepted with accept-new-host-key=1; a changed
# host key refused; a key the server does not know refused; a stopped server
# giving Transient after the retries.
#
# Exit 77 (skip) only when sshd cannot be installed or started here.
set -euo pipefail

probe=${GB_PROBE:-}
[ -x "$probe" ] || { echo "FAIL: GB_PROBE does not name the backend_probe binary" >&2; exit 1; }

skip() {
  echo "=================================================================" >&2
  echo "SKIPPED sftp_backend: $*" >&2
  echo "The sftp:// backend was NOT tested against a real server." >&2
  echo "=================================================================" >&2
  exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }
start_time=$SECONDS
step() { echo "--- [$((SECONDS - start_time)) s] $*"; }

if [ ! -x /usr/sbin/sshd ]; then
  [ "$(id -u)" = 0 ] || skip "openssh-server is not installed and installing it needs root"
  command -v apt-get >/dev/null || skip "openssh-server is not installed and there is no apt-get"
  step "installing openssh-server"
  log=$(mktemp)
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server > "$log" 2>&1; then
    tail -n 20 "$log" >&2
    skip "installing openssh-server failed (apt-get output above)"
  fi
  rm -f "$log"
fi

t=$(mktemp -d /tmp/gb-sftp.XXXXXX)
sshd_pid=
stop_sshd() {
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null || true
    wait "$sshd_pid" 2>/dev/null || true
    sshd_pid=
  fi
}
cleanup() { stop_sshd; rm -rf "$t"; }
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for _ in $(seq 1 50); do
  candidate=$((10000 + RANDOM % 10000))
  port_free "$candidate" && { port=$candidate; break; }
done
[ -n "$port" ] || skip "no free port on 127.0.0.1"

user=$(id -un)
mkdir -p "$t/home/.ssh" "$t/sftp-start" && chmod 700 "$t/home/.ssh"
ssh-keygen -q -t ed25519 -N '' -C gb-test-host -f "$t/host_key"
ssh-keygen -q -t ed25519 -N '' -C gb-test-user -f "$t/home/.ssh/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C gb-test-other -f "$t/other_key"
cp "$t/home/.ssh/id_ed25519.pub" "$t/authorized_keys"
chmod 600 "$t/authorized_keys"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$t/host_key.pub")" > "$t/home/.ssh/known_hosts"
cat > "$t/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
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
# sshd insists on its privilege separation directory when run as root.
[ "$(id -u)" != 0 ] || [ -d /run/sshd ] || mkdir -m 0755 /run/sshd
/usr/sbin/sshd -D -e -f "$t/sshd_config" > "$t/sshd.log" 2>&1 &
sshd_pid=$!
for _ in $(seq 1 100); do
  port_free "$port" || break
  kill -0 "$sshd_pid" 2>/dev/null || break
  sleep 0.1
done
if port_free "$port"; then
  cat "$t/sshd.log" >&2
  skip "sshd did not start (its log is above)"
fi
step "sshd listening on 127.0.0.1:$port"

# The key and known_hosts are found under $HOME, as for a real user.
export HOME=$t/home
url="sftp://$user@127.0.0.1:$port$t/repo"

step "conformance, absolute path, default key and known_hosts"
"$probe" conformance "$url" --objects 150 --threads 4 --big-mib 20

step "conformance, home-relative path (/~/)"
"$probe" conformance "sftp://127.0.0.1:$port/~/deeper/repo" --objects 20 --threads 2
[ -d "$t/sftp-start/deeper/repo/tmp" ] || fail "/~/deeper/repo was not created below the start directory"

step "the directory is a file:// repository too"
"$probe" put "$url" data/ab/abcdef 100000
"$probe" check "file://$t/repo" data/ab/abcdef 100000
[ -z "$(ls -A "$t/repo/tmp")" ] || fail "temporary uploads were left in tmp/"
[ "$(stat -c %a "$t/repo/data/ab/abcdef")" = 600 ] || fail "objects should be stored with mode 600"

step "unknown host key: refused, with the fingerprint"
fp=$(ssh-keygen -lf "$t/host_key.pub" | cut -d' ' -f2)
out=$("$probe" expect "$url?known-hosts=$t/empty_known_hosts" Permanent get data/ab/abcdef)
echo "$out"
grep -qF "$fp" <<<"$out" || fail "the message does not show the host key fingerprint $fp"
grep -q 'accept-new-host-key=1' <<<"$out" || fail "the message does not say how to accept the key"

step "unknown host key with accept-new-host-key=1: accepted and remembered"
"$probe" check "$url?known-hosts=$t/new_known_hosts&accept-new-host-key=1" data/ab/abcdef 100000
[ -s "$t/new_known_hosts" ] || fail "the accepted key was not written to the known hosts file"
"$probe" check "$url?known-hosts=$t/new_known_hosts" data/ab/abcdef 100000

step "changed host key: refused even with accept-new-host-key=1"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$t/other_key.pub")" > "$t/wrong_known_hosts"
out=$("$probe" expect "$url?known-hosts=$t/wrong_known_hosts&accept-new-host-key=1" Permanent get data/ab/abcdef)
echo "$out"
grep -q 'CHANGED' <<<"$out" || fail "the message does not say that the host key changed"

step "a key the server does not know: refused login"
out=$("$probe" expect "$url?key=$t/other_key" Permanent get data/ab/abcdef)
echo "$out"
grep -q 'refused the login' <<<"$out" || fail "the message does not say that the login was refused"

step "server stopped: Transient after the retries"
stop_sshd
"$probe" expect "$url?retries=2" Transient get data/ab/abcdef

step "all passed"
