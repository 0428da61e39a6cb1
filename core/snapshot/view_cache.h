// A local copy of one snapshot's full view (SQLite, in the repository's state
// dir), kept only while a change-journal agent runs: a narrow slice looks up
// the previous entry of each dirty path here instead of merging the whole
// view from the repository, so its cost follows the change, not the tree.
// It says which snapshot it mirrors; a cache that does not mirror the parent
// is rebuilt by the next full scan. Deleting it costs one full scan.
//
// Its write-ahead log is not folded into the database when a backup closes
// it (that copy of every changed page was a fifth of a narrow slice's time):
// the agent folds it between backups (fold_view_cache_logs), and SQLite
// itself once the log passes kFoldPages.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/snapshot/entry.h"

struct sqlite3;

namespace gb {

class Stmt;

class ViewCache {
 public:
  static Result<std::unique_ptr<ViewCache>> open(const std::string& path);
  ~ViewCache();

  // The id (hex) of the snapshot this cache mirrors; empty if none.
  Result<std::string> snapshot_id();
  Result<std::optional<Entry>> get(const std::string& path);
  // Every entry strictly below directory `dir`, in no particular order.
  Result<std::vector<Entry>> below(const std::string& dir);
  // Paths of entries that are the same inode (hard links, a renamed file);
  // device 0: on any device (a change record knows the inode, not st_dev).
  Result<std::vector<std::string>> paths_of_inode(uint64_t device, uint64_t inode);

  // Changes are made inside an update, which ends by naming the snapshot the
  // cache now mirrors. `clear` starts from empty (a rebuild).
  Status begin_update(bool clear);
  Status put(const Entry& e);
  Status remove(const std::string& path);
  Status commit_update(const std::string& snapshot_id);
  void abandon_update();

  // The log size (pages) past which a commit folds it in at once.
  static constexpr int kFoldPages = 8192;

 private:
  explicit ViewCache(sqlite3* db);
  sqlite3* db_;
  // Prepared once: a rebuild puts every entry of the tree, a slice gets one per path.
  std::unique_ptr<Stmt> put_, update_, get_, remove_, by_inode_;
  bool in_update_ = false;
};

// Folds the write-ahead log of each view cache at `paths` (a state dir's:
// LocalState::view_cache_paths) into its database without waiting for
// anyone: a cache in use is left for the next call. Returns how many were folded.
size_t fold_view_cache_logs(const std::vector<std::string>& paths);

}  // namespace gb
