# The gridbackup CLI over sftp:// against Debian's OpenSSH server, started on
# a loopback port with throwaway host and user keys (tests/tools/sshd_lib.sh).
# HOME points at a directory holding the user's key and known_hosts, as for
# a real user, so the URL needs no options.
#
# Checks: round trip of the odd tree plus a 4 MB file, byte-exact with
# metadata; a second backup with changes; verify --read-data; the directory
# on the server is also readable as a file:// repository; restore from the
# cap string alone with a fresh HOME that holds nothing but the SSH key and
# known_hosts; an unknown host key refused with one clear sentence (its
# fingerprint, how to accept it); the server down: a clear error, and the
# next backup after it is back succeeds and verifies.
# (Backend-level behaviour -- /~/ paths, changed host keys, refused user
# keys, concurrency -- is in sftp_backend.sh.)
#
# Exit 77 (skip) only when sshd cannot be installed or started here.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/sshd_lib.sh"
skip_loudly() { skip_untested sftp_cli "The gridbackup CLI against an SFTP server" "$*"; }
sshd_ensure_installed || skip_loudly "$SSHD_ERROR"
trap 'sshd_stop; rm -rf "$W"' EXIT
sshd_start "$W/sshd" || skip_loudly "$SSHD_ERROR"
step "sshd listening on 127.0.0.1:$SSHD_PORT"

export HOME=$W/sshd/home
SERVER_DIR=$W/server/backups/laptop   # where the repository lives on the server
URL="sftp://$(id -un)@127.0.0.1:$SSHD_PORT$SERVER_DIR"

step "init at $URL"
init_at "$URL"
[ -f "$SERVER_DIR/config" ] || fail "no config object in $SERVER_DIR on the server"
pass "repository created on the server"

step "backup of the odd tree plus a 4 MB file, restore, compare"
SRC=$W/src
first_snapshot_round_trip "$SRC"
[ -n "$(find "$SERVER_DIR/data" -type f)" ] || fail "no data objects on the server"
[ -z "$(ls -A "$SERVER_DIR/tmp")" ] || fail "temporary uploads were left in tmp/ on the server"
pass "snapshot 1 restores byte-exact with metadata"

step "second backup with changes"
second_snapshot_round_trip "$SRC"
pass "changed tree and the older snapshot restore exactly"

step "verify --read-data; the server's directory is a file:// repository too"
verify_read_data_ok
gb snapshots --repo "file://$SERVER_DIR" | holds '^2 snapshots' || fail "the server directory does not open as file://"
pass "verify --read-data: $(grep '^checked' "$W/verify.txt")"

step "restore on a machine with nothing but the cap (and the SSH key)"
mkdir -p "$W/fresh-home/.ssh" && chmod 700 "$W/fresh-home/.ssh"
cp "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub" "$HOME/.ssh/known_hosts" "$W/fresh-home/.ssh/"
restores_from_the_cap_alone "$SRC"
pass "the cap string alone lists and restores"

step "unknown host key: refused"
fp=$(ssh-keygen -lf "$W/sshd/host_key.pub" | cut -d' ' -f2)
# A new machine that has the user's key but has never seen this server.
mkdir -p "$W/new-machine/.ssh" && chmod 700 "$W/new-machine/.ssh"
cp "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub" "$W/new-machine/.ssh/"
expect_fail 1 "host key" env HOME="$W/new-machine" GRIDBACKUP_STATE_DIR="$W/new-state" "$GB" snapshots --cap "$cap_string"
# The fingerprint is base64 ('+', '/'): escape it for the regexes below, or a '+' in it fails the match.
fp_re=$(printf '%s' "$fp" | sed 's/[][\\.*^$+?(){}|/]/\\&/g')
one_clear_sentence "$W/err.txt" "$fp_re"
grep -q 'accept-new-host-key=1' "$W/err.txt" || fail "the message does not say how to accept the key: $(cat "$W/err.txt")"
[ ! -e "$W/new-state" ] || [ -z "$(ls -A "$W/new-state")" ] || fail "state was written although the server was refused"
# A known_hosts file given in the URL that lacks the server: refused too.
: > "$W/empty_known_hosts"
expect_fail 1 "$fp_re" gb snapshots --repo "$URL?known-hosts=$W/empty_known_hosts"
# Accepting it explicitly works, and records it.
gb snapshots --repo "$URL?known-hosts=$W/new_known_hosts&accept-new-host-key=1" | holds '^2 snapshots' ||
  fail "accept-new-host-key=1 did not open the repository"
[ -s "$W/new_known_hosts" ] || fail "the accepted key was not recorded"
pass "unknown host key refused with its fingerprint; accepted only when asked"

step "server down: a clear error; back up again once it is back"
echo "written while the server was down" > "$SRC/while-down.txt"
sshd_stop
rc=0; gb backup "$SRC" --no-progress --repo "$URL?retries=2" > "$W/b3.out" 2> "$W/b3.err" || rc=$?
[ "$rc" = 1 ] || { cat "$W/b3.err" >&2; fail "backup with the server down exited $rc, want 1"; }
one_clear_sentence "$W/b3.err" "127\.0\.0\.1.*gave up after 3 attempts"
sshd_restart || fail "sshd did not start again: $SSHD_ERROR"
gb backup "$SRC" --json --no-progress > "$W/b4.json"
grep -q '"errors":0' "$W/b4.json" || fail "the backup after the restart reported errors: $(cat "$W/b4.json")"
gb restore latest --target "$W/r4" --quiet
compare "$SRC" "$W/r4$SRC" || fail "restore after the server came back differs"
verify_read_data_ok "after the outage"
pass "after the outage the backup completes, restores exactly and verifies"
step "all passed"
