# For the tests of files that change while a backup reads them
# (tests/cli/unstable_*.sh; sourced after cli_lib.sh).
#   two_versions NAME BYTES   $SRC with a file "steady" and a file NAME that
#                             holds $W/A (BYTES of 'A'; $W/B: as many 'B's);
#                             an empty repository (init_repo)
#   stored_whole_or_kept_changing NAME RC [AT]
#                             after a backup of $SRC that exited RC (its
#                             stderr in $W/b.err), restored into $W/r: NAME is
#                             restored whole as A or as B, or it is missing,
#                             the backup exited 3 and said "NAME: it kept
#                             changing"; steady is restored. Prints which; AT
#                             ("round 2") starts every line.
SRC=$W/src
two_versions() {
  mkdir -p "$SRC"
  echo steady > "$SRC/steady"
  /usr/bin/python3 -c "import sys; n = int(sys.argv[1]); open(sys.argv[2], 'wb').write(b'A' * n); open(sys.argv[3], 'wb').write(b'B' * n)" \
    "$2" "$W/A" "$W/B"
  cp "$W/A" "$SRC/$1"
  init_repo
}
stored_whole_or_kept_changing() {
  local name=$1 rc=$2 at=${3:+$3: }
  if [ -e "$W/r$SRC/$name" ]; then
    cmp -s "$W/r$SRC/$name" "$W/A" || cmp -s "$W/r$SRC/$name" "$W/B" || fail "${at}a torn version of the $name file was stored (exit $rc)"
    echo "${at}the $name file stored as one complete version (exit $rc)"
  else
    [ "$rc" -eq 3 ] || fail "${at}the $name file is missing but the backup exited $rc"
    grep -q "$name: it kept changing" "$W/b.err" || fail "${at}missing '$name: it kept changing': $(cat "$W/b.err")"
    echo "${at}the $name file reported as kept changing, not stored torn"
  fi
  [ -e "$W/r$SRC/steady" ] || fail "${at}the steady file was not backed up"
}
