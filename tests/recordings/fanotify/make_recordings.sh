#!/bin/bash
# Re-makes the fanotify recordings the translator's unit tests replay
# (tests/unit/agents/fanotify_translator_test.cpp). Needs root and loop
# devices: each recording is made on a fresh ext4 image mounted at /mnt/gbrec,
# so the recorded paths are the same on every machine.
#   GB_REPLAY=build/gridbackup-replay tests/recordings/fanotify/make_recordings.sh
# A pause after each operation lets the recorder read its events before the
# next one, so the kernel does not merge them across operations (merging is
# tested on synthetic events). Within one operation it still may: a write's
# modify and close-write come as one event or two, so the tests compare
# records with repeats in a row collapsed.
set -euo pipefail
: "${GB_REPLAY:?GB_REPLAY must point to gridbackup-replay}"
OUT=$(cd "$(dirname "$0")" && pwd)
M=/mnt/gbrec
IMG=$(mktemp /var/tmp/gbrec.XXXXXX.img)
REC_PID=
cleanup() {
  [ -n "$REC_PID" ] && kill -TERM "$REC_PID" 2>/dev/null && wait "$REC_PID" || true
  umount "$M" 2>/dev/null || true
  rm -f "$IMG"
}
trap cleanup EXIT
step() { "$@"; sleep 0.2; }

# record NAME FUNCTION: runs FUNCTION in $M/root while recording NAME.rec.
record() {
  truncate -s 32M "$IMG" && mkfs.ext4 -q -F "$IMG" && mkdir -p "$M" && mount -o loop "$IMG" "$M"
  mkdir "$M/root" "$M/outside"
  "$GB_REPLAY" record --out "$OUT/$1.rec" "$M/root" > "$IMG.log" &
  REC_PID=$!
  until grep -q rescan-needed "$IMG.log" 2>/dev/null; do sleep 0.05; done
  (cd "$M/root" && "$2")
  sleep 0.3
  kill -TERM "$REC_PID" && wait "$REC_PID"
  REC_PID=
  rm -f "$IMG.log"
  umount "$M"
}

basic_ops() {
  step sh -c 'echo hello > a.txt'                 # create + write
  step sh -c 'echo more >> a.txt'                 # write
  step mv a.txt b.txt                             # rename a file
  step mkdir d
  step sh -c 'echo x > d/f'
  step mv d d2                                    # rename a directory with contents
  step chmod 600 b.txt                            # attrib
  step setfattr -n user.x -v 1 b.txt              # attrib (xattr)
  step ln b.txt hard                              # hard link: created, and attrib (link count) of b.txt
  step rm b.txt                                   # delete
  step mkdir e
  step rmdir e
  step touch ../outside/ignored                   # outside the root: no record
}

odd_names() {
  step mkdir -p "sub/deep"
  for n in "$(printf 'bad\xffname')" "$(printf 'new\nline')" " spaces "; do step sh -c ': > "$1"' sh "$n"; done
  step sh -c 'echo y > sub/deep/f'
  step mv sub moved                               # a tree moves: events below it now come under moved/
  step rm -r moved                                # its directories are gone when the events are read
}

overflow_storm() {
  # With fs.fanotify.max_queued_events at 16 (set by the caller) the queue
  # overflows long before the recorder reads it.
  for i in $(seq 1 400); do : > "f$i"; done
}

record basic_ops basic_ops
record odd_names odd_names
old=$(cat /proc/sys/fs/fanotify/max_queued_events)
echo 16 > /proc/sys/fs/fanotify/max_queued_events
trap 'echo "$old" > /proc/sys/fs/fanotify/max_queued_events; cleanup' EXIT
record overflow overflow_storm
echo "$old" > /proc/sys/fs/fanotify/max_queued_events
ls -l "$OUT"/*.rec
