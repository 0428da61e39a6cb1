#include "core/storage/tree_listing.h"

#include <algorithm>

namespace gb {

Result<std::vector<ObjectInfo>> list_tree(const std::string& prefix, const ReadTreeDir& read_dir, const std::string& skip) {
  std::vector<ObjectInfo> out;
  size_t slash = prefix.rfind('/');
  std::vector<std::string> pending{slash == std::string::npos ? "" : prefix.substr(0, slash)};
  while (!pending.empty()) {
    std::string dir = pending.back();
    pending.pop_back();
    auto entries = read_dir(dir);
    if (!entries && entries.error().kind == ErrorKind::NotFound) continue;
    if (!entries) return entries.error();
    for (const auto& e : *entries) {
      std::string child = dir.empty() ? e.name : dir + "/" + e.name;
      if (dir.empty() && e.name == skip) continue;
      if (e.is_dir) {
        // Descend only where the prefix can still match.
        std::string as_dir = child + "/";
        size_t n = std::min(as_dir.size(), prefix.size());
        if (as_dir.compare(0, n, prefix, 0, n) == 0) pending.push_back(child);
      } else if (e.is_file && child.compare(0, prefix.size(), prefix) == 0) {
        out.push_back({child, e.size});
      }
    }
  }
  return out;
}

}  // namespace gb
