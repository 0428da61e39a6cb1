// The restore target as a tree of open directories: every step below the
// target is an openat(O_NOFOLLOW|O_DIRECTORY) from its parent's fd, so no
// symlink below the target is ever followed, whether it was there before or
// the restore made it. Missing directories are made on the way (mkdirat).
#pragma once
#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

// Prefix of the temporary names files are written under before their rename
// into place; leftovers of a killed restore are removed when a directory is
// first entered.
inline constexpr const char* kRestoreTempPrefix = ".gridbackup-partial.";

// Splits a stored absolute path into its names; false when it is not absolute
// or a name is empty, '.' or '..' (which a crafted snapshot could use to escape).
bool split_stored_path(const std::string& path, std::vector<std::string>& names);

class TargetTree {
 public:
  TargetTree() = default;
  ~TargetTree();
  TargetTree(const TargetTree&) = delete;
  TargetTree& operator=(const TargetTree&) = delete;

  // Opens the target itself (the user named it: following a link to it is theirs).
  Status open(const std::string& target);
  // For a dry run: nothing is made or removed; a missing target or
  // directory is a NotFound error from dir() (nothing exists below it).
  Status open_read_only(const std::string& target);
  // The fd of the directory at names[0..n) below the target, made if missing;
  // owned by the tree and valid until the next call. A symlink or a
  // non-directory on the way is an error naming it.
  Result<int> dir(const std::vector<std::string>& names, size_t n);
  int root() const { return root_; }
  // "TARGET/a/b" for messages.
  std::string shown(const std::vector<std::string>& names, size_t n) const;

 private:
  void close_from(size_t level);
  void remove_leftovers(int fd);
  std::string target_;
  int root_ = -1;
  bool read_only_ = false;
  std::vector<std::pair<std::string, int>> stack_;  // open directories below the root, outermost first
  std::set<std::pair<dev_t, ino_t>> cleaned_;       // directories whose leftovers are gone
};

}  // namespace gb
