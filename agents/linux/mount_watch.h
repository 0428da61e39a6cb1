// The mount table as a source of changes. A filesystem mounted or unmounted
// inside a watched root changes what the root holds without any fanotify
// event (the kernel reports writes, not mounts), so the agent watches
// /proc/self/mountinfo (the kernel flags it POLLPRI on every change) and turns
// each mount point that came or went inside a root into a rescan of it.
#pragma once
#include <poll.h>

#include <map>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_record.h"

namespace gb {

// A mountinfo field with its \ooo escapes (space, tab, newline, backslash) undone.
std::string unescape_mountinfo(const std::string& field);

// Mount id -> mount point (unescaped), from the text of a mountinfo file.
std::map<std::string, std::string> parse_mountinfo(const std::string& text);

class MountWatch {
 public:
  // `roots` with their filesystem ids (the reader's "fs_ids" order).
  static Result<MountWatch> open(std::vector<std::string> roots, std::vector<std::string> fs_ids);
  MountWatch(MountWatch&& o) noexcept;
  MountWatch& operator=(MountWatch&&) = delete;
  ~MountWatch();
  int fd() const { return fd_; }
  // Appends a RescanNeeded record for every mount point inside (or above) a
  // root that appeared or disappeared since the last call. Cheap when the
  // table is unchanged (one poll of the descriptor).
  void changes(int64_t time_ns, std::vector<ChangeRecord>& out);
  // A poll of fd() elsewhere consumes the kernel's change flag: hand its
  // revents here so that the next changes() reads the table.
  void notice(short revents) {
    if (revents & (POLLPRI | POLLERR)) pending_ = true;
  }

 private:
  MountWatch() = default;
  std::string read_table() const;
  int fd_ = -1;
  bool pending_ = false;
  std::vector<std::string> roots_, fs_ids_;
  std::map<std::string, std::string> mounts_;
};

}  // namespace gb
