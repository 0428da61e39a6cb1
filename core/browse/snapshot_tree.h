// One snapshot's full view as a tree a file system can answer from: every
// path's entry, each directory's children in stored order, the directories
// above the backed-up roots (a snapshot of /home/me stores no /home, yet a
// browser must walk into it), and each entry's hard-link count (the paths of
// the view that share its hard-link identity). Built once by streaming the
// view (ViewReader); memory follows the number of entries.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/entry.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct TreeNode {
  Entry entry;                        // a synthesized ancestor: a directory, 0555, root's, dated at the snapshot
  bool synthesized = false;           // not stored: an ancestor of the snapshot's roots
  uint32_t links = 1;                 // hard-link count (directories: 2 + subdirectories, as on disk)
  std::vector<std::string> children;  // names (not paths), in the view's order
};

class SnapshotTree {
 public:
  // Streams the view of `snap` (its logs, from SnapshotStore::chain).
  static Result<std::unique_ptr<SnapshotTree>> load(Repository& repo, const Snapshot& snap);
  // Builds from entries in view order (the unit tests' way in).
  static std::unique_ptr<SnapshotTree> from_entries(const Snapshot& snap, std::vector<Entry> entries);

  // The node at an absolute stored path ("/" is the root); nullptr if none.
  const TreeNode* find(const std::string& path) const;
  size_t size() const { return nodes_.size(); }

 private:
  void add(Entry e, int64_t time_ns);
  TreeNode& ancestor(const std::string& path, int64_t time_ns);
  void count_links();
  std::unordered_map<std::string, TreeNode> nodes_;
};

}  // namespace gb
