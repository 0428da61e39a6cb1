// Files some process has mapped shared: the writes fanotify does not report.
// A store through a MAP_SHARED mapping dirties the page cache with no write(2)
// for fanotify to see. The kernel updates mtime and ctime (at the write
// fault) but raises no event until the last reference to the open file goes:
// FAN_CLOSE_WRITE at munmap or exit, since a mapping keeps the file open after
// close(2). So at every cut the agent lists the files mapped shared right now
// and records them as modified; the backup stats them and reads only those
// whose size, mtime or ctime moved.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_record.h"

namespace gb {

struct SharedMapping {
  std::string path;      // as the kernel prints it, "\012" turned back into '\n'
  std::string unlinked;  // the path without " (deleted)" when it ends so; else empty
  uint64_t inode = 0;
};

// The file-backed MAP_SHARED mappings in the text of a /proc/PID/maps file
// (lines whose permissions end in 's'), each file once. Read-only shared
// mappings are kept too: the column shows the protection now, and mprotect
// can make a mapping of a file opened O_RDWR writable between two cuts.
std::vector<SharedMapping> parse_shared_mappings(std::string_view maps);

// The records for `mappings` (pure): a Modified record (with the inode, so the
// backup also stats the file's other names) for each file below a root and
// not below `own` (the state dir). `fs_ids` is in step with `roots`.
// `names_inode(path, inode)` says whether `path` names that inode now: a path
// ending in " (deleted)" is either a live file of that name or the unlinked
// one, whose remaining names the inode finds.
void mapping_records(const std::vector<SharedMapping>& mappings, const std::vector<std::string>& roots, const std::vector<std::string>& fs_ids,
                     const std::vector<std::string>& own, int64_t time_ns, const std::function<bool(const std::string&, uint64_t)>& names_inode,
                     std::vector<ChangeRecord>& out);

// What one cut's look at the processes found and cost.
struct MappingScan {
  size_t processes = 0;          // maps files read
  size_t files = 0;              // records appended
  size_t unreadable = 0;         // processes whose maps could not be read
  std::string first_unreadable;  // the first of those, in one sentence
};

// The change records of one cut: mapping_records() of every process's
// /proc/PID/maps, each file once, asked of the kernel with PROCMAP_QUERY
// (Linux 6.11) or, before that or without `kernel_query`, parsed from the
// text. A process whose maps cannot be read (an
// LSM's refusal; not one that exited) is counted and skipped: rescanning the
// roots at every cut instead would make every backup a full scan wherever
// one such process lives, so the agent says so in its log instead and the
// audit stays the check.
MappingScan shared_mapping_records(const std::vector<std::string>& roots, const std::vector<std::string>& fs_ids, const std::vector<std::string>& own,
                                   int64_t time_ns, std::vector<ChangeRecord>& out, bool kernel_query = true);

}  // namespace gb
