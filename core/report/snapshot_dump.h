// `gridbackup dump SNAPSHOT PATH`: one path of a snapshot written to a
// stream without restoring it anywhere: a regular file as its bytes, anything
// else (a directory with everything below it, a symlink, a device) as a tar
// stream, as restic's dump does. The tar is pax (libarchive): any name bytes,
// any length, sizes past 8 GiB, nanosecond times, xattrs; entries are named
// relative to PATH's parent ("dir/...", PATH "/" gives "home/..."), so
// `tar x` recreates PATH's last component. Hard links stay links within the
// stream. Memory is bounded: the view is streamed and content goes out a blob
// at a time (Repository::read_content).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/entry.h"

namespace gb {

// The view's entry at `path`, streaming the view (logs from
// SnapshotStore::chain) only up to it; nullopt when the view lacks it.
Result<std::optional<Entry>> find_view_entry(Repository& repo, const std::vector<std::vector<Hash>>& logs, const std::string& path);

// Writes a regular file's content to `out_fd` (a pipe is fine).
Status dump_file(Repository& repo, const Entry& file, int out_fd, const std::string& scratch_dir);

struct TarDumpResult {
  uint64_t entries = 0, bytes = 0;
  std::vector<std::string> skipped;  // sockets: tar cannot hold them (GNU tar skips them too)
};

// Writes `root` and every entry below it as a pax tar stream to `out_fd`.
Result<TarDumpResult> dump_tar(Repository& repo, const std::vector<std::vector<Hash>>& logs, const std::string& root, int out_fd,
                               const std::string& scratch_dir);

// What `dump` writes for the view's `entry`: a regular file's bytes
// (dump_file; the result counts it), anything else as a tar stream (dump_tar).
Result<TarDumpResult> dump_entry(Repository& repo, const std::vector<std::vector<Hash>>& logs, const Entry& entry, int out_fd,
                                 const std::string& scratch_dir);

}  // namespace gb
