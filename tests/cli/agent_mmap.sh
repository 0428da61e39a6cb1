# Writes through a shared writable mapping (issue 20: what databases and VM
# images do) raise no fanotify event while the file stays mapped: not with
# the descriptor open, and not after close(2) either (the mapping keeps the
# file open). A narrow slice must still hold the new content, equal to a full
# scan. Also a mapping made, written and dropped between two backups (its
# munmap is the file's last release: FAN_CLOSE_WRITE).
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/agent_lib.sh"
scratch_data_tree 64
WRITER_PID=
# The writer holds files of the scratch filesystem: it goes first.
stop_writer() {
  [ -n "$WRITER_PID" ] || return 0
  kill -KILL "$WRITER_PID" 2> /dev/null || true
  wait "$WRITER_PID" 2> /dev/null || true
  WRITER_PID=
}
trap 'stop_writer; stop_agent -KILL; umount_scratch; rm -rf "$W"' EXIT
journal_and_scan_repos
for f in open-fd closed-fd dropped; do head -c 16384 /dev/zero | tr '\0' A > "$DATA/$f.db"; done
echo other > "$DATA/other"

# The writer maps its files MAP_SHARED with libc's mmap (Python's mmap module
# dup()s the descriptor, which would keep the file open), closes the
# descriptor of FILES marked "closed", then for each line "OFFSET TEXT" on its
# stdin stores TEXT at OFFSET in every mapping and appends the line to ACK.
cat > "$W/writer.py" << 'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
PROT_READ, PROT_WRITE, MAP_SHARED = 1, 2, 1
ack, maps = sys.argv[1], []
for spec in sys.argv[2:]:
    how, path = spec.split(":", 1)
    fd = os.open(path, os.O_RDWR)
    addr = libc.mmap(None, os.fstat(fd).st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
    if addr in (None, ctypes.c_void_p(-1).value): sys.exit("mmap failed: " + os.strerror(ctypes.get_errno()))
    if how == "closed": os.close(fd)
    maps.append(addr)
with open(ack, "a") as out:
    out.write("mapped\n"); out.flush()
    for line in sys.stdin:
        offset, text = line.split()
        for addr in maps: ctypes.memmove(addr + int(offset), text.encode(), len(text))
        out.write(line); out.flush()
EOF
mkfifo "$W/to-writer"
: > "$W/ack"
# wait_ack N: the writer has answered N lines.
wait_ack() {
  for _ in $(seq 200); do
    [ "$(wc -l < "$W/ack")" -ge "$1" ] && return 0
    kill -0 "$WRITER_PID" 2> /dev/null || fail "the mapping writer exited"
    sleep 0.05
  done
  fail "the mapping writer did not answer within 10 s"
}
# has_content FILE TEXT: the journal repository's latest snapshot restores
# FILE with TEXT in it, byte-equal to the live file.
has_content() {
  rm -rf "$W/restored"
  "$GB" "${J[@]}" upload > /dev/null 2>&1 || fail "upload to the journal repository failed"
  "$GB" "${J[@]}" restore latest --target "$W/restored" "$DATA/$1" > "$W/restore.out" 2>&1 || { cat "$W/restore.out" >&2; fail "restore of $1 failed"; }
  cmp -s "$W/restored$DATA/$1" "$DATA/$1" && grep -q "$2" "$W/restored$DATA/$1" || fail "$3: the narrow slice does not hold the new content of $1"
}

start_agent "$W/state-j" "$DATA"
backup_both "first backup"
/usr/bin/python3 "$W/writer.py" "$W/ack" "open:$DATA/open-fd.db" "closed:$DATA/closed-fd.db" < "$W/to-writer" &
WRITER_PID=$!
exec 3> "$W/to-writer"
wait_ack 1
backup_both "mapped, nothing stored"
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the backup was not a narrow slice"; }
echo "0 STORED-ONE" >&3
wait_ack 2
# A mapping made and dropped between two backups, in another process.
/usr/bin/python3 - "$DATA/dropped.db" << 'EOF'
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 0, mmap.MAP_SHARED)
os.close(fd)
m[0:11] = b"DROPPED-ONE"
m.close()
EOF
backup_both "stores through mappings still held"
grep -q "narrow slice" "$W/j.out" || { cat "$W/j.out" >&2; fail "the backup was not a narrow slice"; }
has_content open-fd.db STORED-ONE "descriptor open"
has_content closed-fd.db STORED-ONE "descriptor closed, mapping kept"
has_content dropped.db DROPPED-ONE "mapping dropped before the backup"
# Again on a page not yet written: the store faults, so mtime moves again.
echo "8192 STORED-TWO" >&3
wait_ack 3
backup_both "a second store, mappings still held"
has_content open-fd.db STORED-TWO "second store, descriptor open"
has_content closed-fd.db STORED-TWO "second store, descriptor closed"
pass "stores through shared mappings kept open, or kept after close, are in the narrow slice, equal to the full scan"
