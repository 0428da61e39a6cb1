# gridbackup mount over a network backend that stops answering (sftp:// to
# Debian's OpenSSH server, every sshd process frozen with SIGSTOP: the
# connection stays open and silent, as a dead link looks): a read fails with
# EIO within the backend's timeout (the URL's timeout=3, retries=0), never
# hangs; once the server answers again the same file reads.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/sshd_lib.sh"
source "$GB_TESTS/tools/mount_lib.sh"
need_fuse cli.mount_backend_timeout
skip_loudly() { skip_untested cli.mount_backend_timeout "A mount whose backend stops answering" "$*"; }
sshd_ensure_installed || skip_loudly "$SSHD_ERROR"
frozen=()
thaw() { [ ${#frozen[@]} = 0 ] || kill -CONT "${frozen[@]}" 2> /dev/null || true; frozen=(); }
trap 'thaw; for m in "$W"/mnt*; do mountpoint -q "$m" 2> /dev/null && umount -l "$m"; done; sshd_stop; rm -rf "$W"' EXIT
sshd_start "$W/sshd" || skip_loudly "$SSHD_ERROR"
export HOME=$W/sshd/home
URL="sftp://$(id -un)@127.0.0.1:$SSHD_PORT$W/server/repo?timeout=3&retries=0"
SRC=$W/src
MNT=$W/mnt
mkdir -p "$SRC"
head -c 3000000 /dev/urandom > "$SRC/three-segments.bin"
"$GB" init --repo "$URL" --cap-file "$CAP" --quiet > /dev/null
gb backup "$SRC" --quiet --no-progress
start_mount "$MNT"
host=$(ls "$MNT/hosts")
file=$MNT/latest/$host$SRC/three-segments.bin
[ "$(stat -c %s "$file")" = 3000000 ] || fail "the file does not list with its size"

step "every sshd process frozen: the read fails with EIO within the timeout"
# The listener and each session (its children, and theirs): processes this test started.
all_of() { echo "$1"; for c in $(ps -o pid= --ppid "$1"); do all_of "$c"; done; }
frozen=($(all_of "$SSHD_PID"))
kill -STOP "${frozen[@]}"
start=$SECONDS
rc=0
out=$(timeout 60 cat "$file" 2>&1 > /dev/null) || rc=$?
took=$((SECONDS - start))
[ "$rc" != 124 ] || fail "the read hung for 60 s with the server frozen"
[ "$rc" != 0 ] || fail "the read succeeded with the server frozen"
echo "$out" | holds "Input/output error" || fail "the read did not fail with EIO: $out"
[ "$took" -le 20 ] || fail "the read took $took s to fail (timeout 3 s, no retries)"
pass "EIO after $took s"

step "the server answers again: the file reads"
thaw
cmp -s "$SRC/three-segments.bin" "$file" || fail "the file does not read once the server answers again"
stop_mount "$MNT"
pass "read after the thaw; unmounted on SIGTERM"
