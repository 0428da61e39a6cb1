// The one order in which paths are stored, scanned and merged.
//
// Paths compare bytewise with '/' ranked below every other byte. That is the
// order a depth-first walk produces when each directory's names are sorted
// bytewise, so a scan streams out already sorted and can be merge-joined with
// the previous snapshot without holding either in memory.
#pragma once
#include <string_view>

namespace gb {

inline int path_compare(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x == '/') return -1;
    if (y == '/') return 1;
    return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

inline bool path_less(std::string_view a, std::string_view b) { return path_compare(a, b) < 0; }

// True when `path` equals `root` or lies below it.
inline bool path_within(std::string_view path, std::string_view root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  return path.size() >= root.size() && path.compare(0, root.size(), root) == 0 && (path.size() == root.size() || path[root.size()] == '/');
}

}  // namespace gb
