#include "core/scan/device_boundary.h"

#include <algorithm>
#include <set>

#include "core/common/path_order.h"
#include "core/fs/file_system.h"

namespace gb {
namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

DeviceBoundary::DeviceBoundary(std::vector<std::string> roots) : roots_(std::move(roots)) {
  std::sort(roots_.begin(), roots_.end());
  roots_.erase(std::unique(roots_.begin(), roots_.end()), roots_.end());
}

bool DeviceBoundary::is_root(const std::string& path) const { return std::binary_search(roots_.begin(), roots_.end(), path); }

std::vector<std::string> DeviceBoundary::names_toward_roots(const std::string& dir) const {
  std::set<std::string> names;
  size_t start = dir == "/" ? 1 : dir.size() + 1;
  for (const auto& r : roots_)
    if (r != dir && path_within(r, dir)) names.insert(r.substr(start, r.find('/', start) - start));
  std::vector<std::string> out(names.begin(), names.end());
  return out;  // std::set's order is bytewise, the scanner's order
}

bool ScanReach::lists(const std::string& path) { return boundary_.is_root(path) || entered(parent_of(path)).has_value(); }

std::optional<uint64_t> ScanReach::entered(const std::string& dir) {
  if (auto it = entered_.find(dir); it != entered_.end()) return it->second;
  std::optional<uint64_t> listing;  // the device of the directory listing `dir`; a root needs none
  bool reached = boundary_.is_root(dir);
  if (!reached && dir != "/") {
    bool inside = false;
    for (const auto& r : boundary_.roots()) inside = inside || path_within(dir, r);
    if (inside) listing = entered(parent_of(dir));
    reached = listing.has_value();
  }
  std::optional<uint64_t> device;
  fs::FileInfo info;
  if (reached && fs::lstat_info(dir, info) && info.type == fs::FileType::Dir && (!listing || boundary_.enters(dir, info.device, *listing)))
    device = info.device;
  entered_[dir] = device;
  return device;
}

bool ScanReach::covers(const std::string& path) {
  if (!lists(path)) return false;
  fs::FileInfo info;
  return !fs::lstat_info(path, info) || info.type != fs::FileType::Dir || entered(path).has_value();
}

}  // namespace gb
