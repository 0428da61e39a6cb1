# A stolen backup host cannot destroy the backups on an SFTP server set up as
# docs/STORAGE.md says ("Storage that refuses deletes"): the backup host's
# key is forced to OpenSSH's internal-sftp with -P denying remove, rmdir,
# posix-rename, the setstat family, links and copy-data; the prune runs
# with another key (the full account). Against Debian's openssh-server on a
# loopback port (tests/tools/sshd_lib.sh):
# - backups through the restricted key work and restore byte-exact;
# - forget --prune through it fails with one sentence naming the refused
#   delete, and no object on the server is gone;
# - the sftp client with the restricted key cannot rm an object either, nor
#   rename garbage onto one;
# - prune through the full key then deletes what the forget left unneeded.
# Exit 77 (skip) only when sshd cannot be installed or started here.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/sshd_lib.sh"
skip_loudly() { skip_untested sftp_no_delete "SFTP storage that refuses deletes to the backup host" "$*"; }
sshd_ensure_installed || skip_loudly "$SSHD_ERROR"
trap 'sshd_stop; rm -rf "$W"' EXIT
sshd_start "$W/sshd" || skip_loudly "$SSHD_ERROR"
export HOME=$W/sshd/home
SERVER_DIR=$W/server/gb
URL="sftp://$(id -un)@127.0.0.1:$SSHD_PORT$SERVER_DIR"
# The backup host's key: what docs/STORAGE.md puts in authorized_keys.
ssh-keygen -q -t ed25519 -N '' -C gb-backup-host -f "$HOME/.ssh/backup_host" || fail "ssh-keygen"
DENY=remove,rmdir,posix-rename,setstat,fsetstat,lsetstat,symlink,hardlink,copy-data
echo "restrict,command=\"internal-sftp -P $DENY\" $(cat "$HOME/.ssh/backup_host.pub")" >> "$W/sshd/authorized_keys"
BACKUP_URL="$URL?key=$HOME/.ssh/backup_host"
step "sshd on 127.0.0.1:$SSHD_PORT; the backup host's key may not $DENY"

# The full account makes the repository; the backup host gets the cap with its own URL.
init_at "$URL"
bk() { "$GB" --cap-file "$CAP" --repo "$BACKUP_URL" "$@"; }
mkdir -p "$W/src/sub" && echo one > "$W/src/a.txt" && head -c 300000 /dev/urandom > "$W/src/sub/big.bin"
bk backup "$W/src" --quiet --no-progress || fail "backup through the restricted key"
echo two > "$W/src/a.txt" && head -c 300000 /dev/urandom > "$W/src/sub/big.bin"
bk backup "$W/src" --quiet --no-progress || fail "second backup through the restricted key"
bk restore latest --target "$W/r" --quiet || fail "restore through the restricted key"
compare "$W/src" "$W/r$W/src" || fail "the restore through the restricted key differs"
[ "$(bk snapshots --json | grep -o '"id"' | wc -l)" = 2 ] || fail "expected 2 snapshots"
[ -z "$(ls -A "$SERVER_DIR/tmp")" ] || fail "uploads were left in tmp/"
bad_mode=$(find "$SERVER_DIR" -type f ! -path '*/locks/*' ! -perm 0400 | head -1)
[ -z "$bad_mode" ] || fail "a stored object is not 0400 (so a write could overwrite it): $bad_mode $(stat -c %a "$bad_mode")"
pass "two backups and a restore through the restricted key; objects stored 0400"

step "forget --prune through the restricted key"
find "$SERVER_DIR" -type f ! -path '*/locks/*' | sort > "$W/before.txt"
rc=0
bk forget --keep-last 1 --prune --grace 0 --no-progress > "$W/fp.out" 2> "$W/fp.err" || rc=$?
cat "$W/fp.out" "$W/fp.err"
[ "$rc" = 1 ] || fail "forget --prune through the restricted key exited $rc, want 1"
one_clear_sentence "$W/fp.err" "cannot (delete|replace) .* the server refused to delete it \\(an account that may not delete"
find "$SERVER_DIR" -type f ! -path '*/locks/*' | sort > "$W/after.txt"
gone=$(comm -23 "$W/before.txt" "$W/after.txt")
[ -z "$gone" ] || fail "objects were deleted through the restricted key: $gone"
pass "the prune's deletes were refused by the server and nothing is gone"

step "the sftp client with the restricted key: no rm either"
victim=$(find "$SERVER_DIR/data" -type f | head -1)
rc=0
sftp -q -b - -i "$HOME/.ssh/backup_host" -o IdentitiesOnly=yes -o UserKnownHostsFile="$HOME/.ssh/known_hosts" -P "$SSHD_PORT" \
  "$(id -un)@127.0.0.1" > "$W/sftp.out" 2>&1 <<< "rm $victim" || rc=$?
[ "$rc" != 0 ] || fail "rm through the restricted key succeeded: $(cat "$W/sftp.out")"
grep -qi "permission denied" "$W/sftp.out" || fail "rm was not refused as 'Permission denied': $(cat "$W/sftp.out")"
[ -f "$victim" ] || fail "$victim was deleted"
pass "rm of $(basename "$victim") refused: $(grep -i 'denied' "$W/sftp.out" | head -1)"
# Nor can it overwrite one by renaming garbage onto it (the client tries posix-rename, then the server's plain rename).
sum=$(sha256sum < "$victim")
head -c 1000 /dev/urandom > "$W/garbage"
rc=0
sftp -q -b - -i "$HOME/.ssh/backup_host" -o IdentitiesOnly=yes -o UserKnownHostsFile="$HOME/.ssh/known_hosts" -P "$SSHD_PORT" \
  "$(id -un)@127.0.0.1" > "$W/sftp2.out" 2>&1 <<< "put $W/garbage $SERVER_DIR/tmp/garbage
rename $SERVER_DIR/tmp/garbage $victim" || rc=$?
[ "$rc" != 0 ] || fail "renaming garbage onto an object through the restricted key succeeded: $(cat "$W/sftp2.out")"
[ "$(sha256sum < "$victim")" = "$sum" ] || fail "$victim was overwritten by a rename"
pass "renaming garbage onto an object refused: $(grep -iE 'denied|failure' "$W/sftp2.out" | head -1)"

step "prune through the full account"
gb unlock --quiet > /dev/null || fail "unlock through the full account"   # the restricted runs could not remove their locks
gb prune --grace 0 --no-progress > "$W/prune.out" 2> "$W/prune.err" || { cat "$W/prune.err"; fail "prune through the full account"; }
cat "$W/prune.out"
find "$SERVER_DIR" -type f ! -path '*/locks/*' | sort > "$W/pruned.txt"
[ -n "$(comm -23 "$W/after.txt" "$W/pruned.txt")" ] || fail "prune through the full account deleted nothing"
gb restore latest --target "$W/r2" --quiet
compare "$W/src" "$W/r2$W/src" || fail "the kept snapshot does not restore after the prune"
gb verify --read-data > "$W/verify.txt" || fail "verify after the prune: $(cat "$W/verify.txt")"
pass "the full account's prune freed $(comm -23 "$W/after.txt" "$W/pruned.txt" | wc -l) objects; the kept snapshot restores and verifies"
