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

tests=${GB_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
source "$tests/tools/test_steps.sh"
need_probe
skip() { skip_untested sftp_backend "The sftp:// backend against a real server" "$*"; }
# Install when missing, keys, known_hosts, config, start: tests/tools/sshd_lib.sh.
source "$tests/tools/sshd_lib.sh"
sshd_ensure_installed || skip "$SSHD_ERROR"

t=$(mktemp -d /tmp/gb-sftp.XXXXXX)
cleanup() { sshd_stop; rm -rf "$t"; }
trap cleanup EXIT
sshd_start "$t" || skip "$SSHD_ERROR"
port=$SSHD_PORT
step "sshd listening on 127.0.0.1:$port"
user=$(id -un)
ssh-keygen -q -t ed25519 -N '' -C gb-test-other -f "$t/other_key"

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
# Read-only from creation, so an account denied setstat cannot overwrite one (docs/STORAGE.md, "Storage that refuses deletes").
[ "$(stat -c %a "$t/repo/data/ab/abcdef")" = 400 ] || fail "objects should be stored with mode 400"

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
sshd_stop
"$probe" expect "$url?retries=2" Transient get data/ab/abcdef

step "all passed"
