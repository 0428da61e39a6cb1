#include "core/scan/device_boundary.h"

#include <sys/stat.h>

namespace gb {
namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

bool ScanReach::lists(const std::string& path) { return path == root_ || entered(parent_of(path)).has_value(); }

std::optional<uint64_t> ScanReach::entered(const std::string& dir) {
  if (auto it = entered_.find(dir); it != entered_.end()) return it->second;
  std::optional<uint64_t> listing;  // the device of the directory listing `dir`; the root has none
  bool reached = dir == root_;
  if (!reached && dir.size() > root_.size()) {
    listing = entered(parent_of(dir));
    reached = listing.has_value();
  }
  std::optional<uint64_t> device;
  struct stat st;
  if (reached && ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && (!listing || enters_directory(st.st_dev, *listing)))
    device = st.st_dev;
  entered_[dir] = device;
  return device;
}

}  // namespace gb
