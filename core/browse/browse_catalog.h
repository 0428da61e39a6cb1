// What a browser of the repository sees (the FUSE mount's namespace, kept
// portable here so it is tested without FUSE):
//   /hosts/<host>/<YYYY-MM-DDTHH:MM:SS>/<path>  each snapshot by host and time (UTC)
//   /hosts/<host>/latest                         symlink to the host's newest
//   /snapshots/<short id>/<path>                 each snapshot by id
//   /latest/<host>                               symlink to that host's newest
//   /tags/<tag>/<YYYY-MM-DDTHH:MM:SS>/<path>     the snapshots that carry the tag
//   /tags/<tag>/latest                           symlink to the newest of them
// The snapshot list is read again at most every `refresh_interval` when a
// caller asks (a listing of these directories, a name not found there), so a
// backup taken while mounted appears without remounting; when it brings new
// snapshots the repository is reopened, so their index objects are read too.
// Trees of snapshots are loaded on first use, the last few kept.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/browse/snapshot_tree.h"
#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct BrowseNode {
  enum class Kind { Dir, Symlink, Stored } kind = Kind::Dir;
  std::vector<std::string> children;  // Dir: its names
  std::string target;                 // Symlink
  int64_t time_ns = 0;                // Dir, Symlink: the newest snapshot's time below it
  // Stored: a path of a snapshot (the tree keeps the node alive).
  std::shared_ptr<const SnapshotTree> tree;
  const TreeNode* node = nullptr;
  std::string snapshot_id;
};

class BrowseCatalog {
 public:
  using Reopen = std::function<Result<std::unique_ptr<Repository>>()>;
  BrowseCatalog(std::unique_ptr<Repository> repo, Reopen reopen, int64_t refresh_interval_ns = 2'000'000'000, size_t trees_kept = 8);

  // Reads the snapshot list unless it was read less than the interval ago
  // (`force`: read it now). On failure the last list stays.
  Status refresh(bool force = false);
  // The node at a mount path ("/", "/hosts/h", ...); NotFound when none.
  Result<BrowseNode> resolve(const std::string& mount_path);
  // Runs `f` on the current repository, one caller at a time.
  Status with_repo(const std::function<Status(Repository&)>& f);
  // The name a snapshot has under /hosts/<host>/ (UTC seconds; a second
  // snapshot in the same second gets "-<short id>" after it).
  static std::string time_name(int64_t time_ns);

 private:
  // Snapshots by time name (a host's, a tag's) and the newest one's name.
  struct TimeDir {
    std::map<std::string, Snapshot> snapshots;
    std::string latest;
    void add(const Snapshot& s);
  };
  struct Names {
    std::map<std::string, TimeDir> hosts, tags;  // by host, by tag
    std::map<std::string, Snapshot> ids;         // short id -> snapshot
    std::vector<std::string> id_list;            // every id, to see a change
    int64_t newest_ns = 0;
  };
  static Names name_snapshots(const std::vector<Snapshot>& live);
  Result<BrowseNode> stored(const Snapshot& snap, const std::string& rest);
  Result<std::shared_ptr<const SnapshotTree>> tree_of(const Snapshot& snap);
  std::optional<Result<BrowseNode>> resolve_once(const std::vector<std::string>& parts);
  std::optional<Result<BrowseNode>> in_time_dir(std::unique_lock<std::mutex>& lock, const TimeDir& dir, const std::vector<std::string>& parts);

  std::mutex repo_mu_;  // the repository is used by one caller at a time
  std::unique_ptr<Repository> repo_;
  Reopen reopen_;
  const int64_t refresh_interval_ns_;
  const size_t trees_kept_;

  std::mutex mu_;  // names_, trees_, last_refresh_ns_
  Names names_;
  std::atomic<bool> listed_ = false;
  int64_t last_refresh_ns_ = 0;
  std::list<std::pair<std::string, std::shared_ptr<const SnapshotTree>>> trees_;  // most recent first
};

}  // namespace gb
