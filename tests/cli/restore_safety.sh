# Restore never writes outside its target (pre-existing symlinks at every depth
# are replaced or refused, never followed), keeps holes, recreates sockets,
# bounds its memory, and a missing index entry is damage (exit 12).
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC/home/docs/deep/er" "$W/elsewhere"
echo top > "$SRC/home/docs/a.txt"
echo deep > "$SRC/home/docs/deep/er/b.txt"
init_repo
gb backup "$SRC" --quiet

# Pre-existing symlinks where the snapshot has directories, at every depth.
for depth in "" /home /home/docs /home/docs/deep /home/docs/deep/er; do
  T=$W/t$(echo "$depth" | tr / _)
  rm -rf "$W/elsewhere"; mkdir -p "$W/elsewhere" "$(dirname "$T$SRC$depth")"
  ln -s "$W/elsewhere" "$T$SRC$depth"
  rc=0; gb restore latest --target "$T" --quiet 2> "$W/err.txt" || rc=$?
  no_crash_in "$W/err.txt"
  [ -z "$(ls -A "$W/elsewhere")" ] || fail "restore wrote through a pre-existing symlink at SRC$depth: $(ls -A "$W/elsewhere")"
  [ ! -L "$T$SRC$depth" ] || fail "the symlink at SRC$depth was neither replaced nor reported"
  compare "$SRC" "$T$SRC" --no-mtime-dirs || fail "restore over a symlink at SRC$depth differs"
done
pass "pre-existing symlinks at every depth are replaced, never followed"

# A pre-existing symlink where the snapshot has a file: the link is replaced, its target untouched.
T=$W/tf; mkdir -p "$T$SRC/home/docs"; echo keep > "$W/victim"
ln -s "$W/victim" "$T$SRC/home/docs/a.txt"
gb restore latest --target "$T" --quiet
[ "$(cat "$W/victim")" = keep ] || fail "restore wrote through a symlink to a file"
[ -f "$T$SRC/home/docs/a.txt" ] && [ ! -L "$T$SRC/home/docs/a.txt" ] || fail "the symlink was not replaced by the file"
pass "a symlink where a file belongs is replaced"

# Holes are kept: a 64 MiB file with 8 KiB allocated comes back sparse.
S2=$W/sparse; mkdir -p "$S2"
truncate -s 64M "$S2/holes.img"
printf 'data at start' | dd of="$S2/holes.img" conv=notrunc status=none
printf 'data in the middle' | dd of="$S2/holes.img" bs=1 seek=$((32*1024*1024)) conv=notrunc status=none
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$S2/a.sock"
gb backup "$S2" --quiet
rc=0; gb restore latest --target "$W/rs" 2> "$W/err.txt" > /dev/null || rc=$?
[ "$rc" = 0 ] || { cat "$W/err.txt"; fail "restore of the sparse file failed ($rc)"; }
cmp "$S2/holes.img" "$W/rs$S2/holes.img" || fail "sparse file differs"
blocks=$(stat -c %b "$W/rs$S2/holes.img")
[ "$blocks" -le 512 ] || fail "sparse file came back with $blocks blocks allocated (want <= 512)"
pass "sparse 64 MiB file restores with $blocks blocks"
[ -S "$W/rs$S2/a.sock" ] || fail "the socket was not recreated"
pass "socket recreated"

# Memory is bounded: a 512 MiB zero file restores under 200 MB peak RSS.
rm -rf "$S2"; mkdir -p "$S2"; truncate -s 512M "$S2/zero.img"
gb backup "$S2" --quiet
/usr/bin/time -f '%M' -o "$W/rss.txt" "$GB" --cap-file "$CAP" restore latest --target "$W/rz" --quiet
rss=$(tail -1 "$W/rss.txt")
cmp "$S2/zero.img" "$W/rz$S2/zero.img" || fail "zero file differs"
[ "$rss" -lt 200000 ] || fail "restoring a 512 MiB zero file peaked at $rss KiB"
pass "512 MiB zero file restores with $rss KiB peak RSS"

# A missing index object: the snapshot's log cannot be read: exit 12 (damage), the snapshot and blob named.
rm -rf "$REPO/index"
rc=0; gb restore latest --target "$W/ri" 2> "$W/err.txt" > /dev/null || rc=$?
no_crash_in "$W/err.txt"
[ "$rc" = 12 ] || { cat "$W/err.txt"; fail "restore with the index gone exited $rc, want 12"; }
one_clear_sentence "$W/err.txt" "snapshot [0-9a-f]+ cannot be read.*blob [0-9a-f]+ is not in the index"
pass "missing index: exit 12, snapshot and blob named"
