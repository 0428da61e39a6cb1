// Listing a repository kept as a directory tree (sftp://, tahoe://): object
// "data/ab/abc" is file "abc" in directory "data/ab". A listing walks only
// the directories a prefix can reach, one directory read per directory.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/storage/backend.h"

namespace gb {

struct TreeEntry {
  std::string name;
  bool is_dir = false;
  bool is_file = false;  // a regular file (not a link, device, ...)
  uint64_t size = 0;
};

// Reads one directory, named relative to the repository root ("" is the
// root); NotFound means the directory does not exist.
using ReadTreeDir = std::function<Result<std::vector<TreeEntry>>(const std::string& dir)>;

// All objects whose name starts with `prefix`. A top-level entry named
// `skip` (such as "tmp", where uploads are staged) is not part of the repository.
Result<std::vector<ObjectInfo>> list_tree(const std::string& prefix, const ReadTreeDir& read_dir, const std::string& skip);

}  // namespace gb
