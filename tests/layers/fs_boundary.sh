#!/bin/bash
# The file-system boundary (core/fs/file_system.h): outside core/fs/, no
# source under core/ calls a Linux-only API or includes a Linux-only header,
# so the core builds on another OS by writing one file_system_OS.cpp. No
# exceptions are listed, and none may be: move the call behind core/fs.
# Usage: fs_boundary.sh CORE_DIR
set -u
core=${1:?usage: fs_boundary.sh CORE_DIR}
[ -d "$core/fs" ] || { echo "FAIL: $core/fs does not exist (wrong CORE_DIR?)" >&2; exit 1; }

# Calls, flags and headers only Linux has (or has in this form). Matched in
# code, not in comments, which may name them to say why.
linux_only=(
  '\bsendfile\s*\(' '\bcopy_file_range\s*\('
  '\bO_TMPFILE\b' '\bO_NOATIME\b' '\bO_PATH\b' '\bposix_fadvise\s*\(' '\breadahead\s*\('
  '\b[lf]?(get|set|list|remove)xattr\s*\('
  '\bfanotify_(init|mark)\s*\(' '\binotify_(init1?|add_watch)\s*\(' '\b(open_by|name_to)_handle_at\s*\('
  '\bf?statfs\s*\(' '\bstruct\s+statfs\b' '_SUPER_MAGIC\b' '\bsignalfd\s*\(' '\bepoll_(create1?|ctl|wait)\s*\('
  '\brenameat2\s*\(' '\bsyncfs\s*\(' '\bfallocate\s*\(' '"/proc/self/'
  '#\s*include\s*<sys/(sysmacros|xattr|sendfile|vfs|statfs|fanotify|inotify|epoll|signalfd|sysinfo|prctl)\.h>'
  '#\s*include\s*<linux/'
)
pattern=$(IFS='|'; echo "${linux_only[*]}")

found=$(find "$core" -path "$core/fs" -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort | while read -r f; do
  # Drop // comments (a "//" inside a string ends the line early: stricter, never looser).
  sed -E 's@//.*$@@' "$f" | grep -nE "$pattern" | sed "s@^@${f#"$core"/}:@"
done)
checked=$(find "$core" -path "$core/fs" -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | wc -l)
if [ -n "$found" ]; then
  echo "FAIL: Linux-only calls outside core/fs/ (put them behind core/fs/file_system.h):" >&2
  echo "$found" >&2
  exit 1
fi
# The check must see the calls where they are, or it proves nothing.
grep -qE '\bsendfile\s*\(' "$core/fs/file_system_linux.cpp" || { echo "FAIL: the pattern does not find sendfile in core/fs (check broken)" >&2; exit 1; }
echo "ok: $checked core sources outside core/fs/ call no Linux-only API"
