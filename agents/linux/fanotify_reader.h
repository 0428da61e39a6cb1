// The live side of the fanotify agent: one fanotify group with a
// FAN_MARK_FILESYSTEM mark per filesystem of the watched roots, read without
// blocking, each event's directory handle resolved to a path at read time.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/linux/fanotify_event.h"
#include "core/common/result.h"

namespace gb {

class FanotifyReader {
 public:
  // `roots` are canonical absolute directories. Fails with one sentence when
  // the process lacks CAP_SYS_ADMIN, the kernel lacks a feature, or a root's
  // filesystem refuses the mark.
  // `unlimited_queue`: FAN_UNLIMITED_QUEUE (needs CAP_SYS_ADMIN, which the
  // filesystem marks need anyway); otherwise the kernel drops events past
  // fs.fanotify.max_queued_events and reports an overflow.
  static Result<std::unique_ptr<FanotifyReader>> open(const std::vector<std::string>& roots, bool unlimited_queue = true);
  ~FanotifyReader();

  int fd() const { return fd_; }
  // What the translator needs ("roots", "fs_ids") and, for a recording's
  // reader, "kernel" and "mask" (the events asked for).
  const std::map<std::string, std::string>& context() const { return context_; }

  // Appends the events queued now (one read(2)); returns how many, 0 when the
  // queue is empty.
  Result<size_t> read_some(std::vector<fanotify::FanotifyEvent>& out);

  // Events read so far whose place could not be found (they become rescans),
  // and why the last one could not: for the agent's log.
  uint64_t unresolved() const { return unresolved_; }
  const std::string& unresolved_reason() const { return unresolved_reason_; }

 private:
  FanotifyReader() = default;
  // The path of a file handle (a directory's; with `object_only`, the
  // object's when the event names no entry), from the filesystem's mount fd;
  // sets kDirUnresolved, kDirFromCache or kDirDeleted in `flags` as needed.
  std::string resolve(const std::string& fsid, const std::string& handle, bool object_only, uint32_t& flags);
  // The other paths the same handle has through the other roots' mounts of
  // a filesystem marked through its btrfs top-level (a subvolume reachable
  // from two roots); usually none.
  std::vector<std::string> also_reached(const std::string& fsid, const std::string& handle, const std::string& primary);
  // Marks the btrfs filesystem of `root` (on a subvolume other than the
  // top-level one, where the kernel refuses the mark) through a detached
  // read-only mount of its top-level; returns the fsid its events carry.
  Result<std::string> mark_through_top_level(const std::string& root, uint64_t mask);
  void remember(const std::string& key, const std::string& path);
  // The inode number of the object a file handle names; 0 when it is gone.
  uint64_t inode_of(const std::string& fsid, const std::string& handle);

  int fd_ = -1;
  // Per fsid the events carry: open root directories to resolve handles
  // through. A filesystem marked directly needs one; one marked through its
  // btrfs top-level has a root per mount (subvolume), and a handle's path is
  // taken through the mounts it is reachable from.
  struct Mounts {
    std::vector<int> fds;
    bool through_top_level = false;
  };
  std::map<std::string, Mounts> mounts_;
  std::map<std::string, std::string> context_;
  // Handle -> last path it resolved to: a directory removed between the event
  // and our read no longer resolves, but its events still belong somewhere.
  std::unordered_map<std::string, std::string> last_paths_;
  bool target_fids_ = false;  // FAN_REPORT_TARGET_FID: create/rename events carry the entry's own handle
  uint64_t unresolved_ = 0;
  std::string unresolved_reason_;
};

// The fsid of the filesystem holding `path` as 16 hex digits (statfs f_fsid,
// the value fanotify reports), or an Error.
Result<std::string> filesystem_id(const std::string& path);

}  // namespace gb
