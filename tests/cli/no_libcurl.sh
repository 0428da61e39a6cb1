# libcurl is loaded only when a network backend needs it: with the library
# unreadable (bind-mounted over in a private mount namespace), local backups
# and restores work, and an S3 repository gets one clear sentence.
source "$GB_TESTS/tools/cli_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
command -v unshare > /dev/null || skip "unshare (util-linux) is not installed"
LIB=$(readlink -f "$(/sbin/ldconfig -p | awk '/libcurl\.so\.4 / {print $NF; exit}')")
[ -f "$LIB" ] || skip "libcurl.so.4 not found by ldconfig"
SRC=$W/src
mkdir -p "$SRC"
echo hello > "$SRC/a.txt"
unshare -m bash -c "mount --bind /dev/null '$LIB' || exit 77
  set -e
  '$GB' init --repo 'file://$REPO' --cap-file '$CAP' --quiet > /dev/null
  '$GB' --cap-file '$CAP' backup --quiet '$SRC'
  '$GB' --cap-file '$CAP' restore latest --target '$W/r' --quiet
  rc=0; AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y '$GB' init --repo s3://127.0.0.1:9/bucket --cap-file '$W/s3cap' 2> '$W/s3.err' || rc=\$?
  echo \$rc > '$W/s3.rc'" || { rc=$?; [ "$rc" = 77 ] && skip "cannot bind-mount over $LIB"; fail "local backup/restore failed without libcurl (exit $rc)"; }
compare "$SRC" "$W/r$SRC" || fail "restore without libcurl differs"
pass "local backup and restore need no libcurl"
[ "$(cat "$W/s3.rc")" = 1 ] || fail "an S3 repository without libcurl should exit 1, got $(cat "$W/s3.rc")"
one_clear_sentence "$W/s3.err" "cannot load libcurl \(needed for network storage\)"
