#include "core/journal/slice_plan.h"

#include <algorithm>

#include "core/common/path_order.h"

namespace gb {
namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || path == "/") return {};
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

const std::string* root_of(const std::string& path, const std::vector<std::string>& roots) {
  for (const auto& r : roots)
    if (path_within(path, r)) return &r;
  return nullptr;
}

bool within_any(const std::string& path, const std::vector<std::string>& dirs) {
  for (const auto& d : dirs)
    if (path_within(path, d)) return true;
  return false;
}

// Sorts in path order and drops directories inside another listed one.
std::vector<std::string> outermost(std::set<std::string> dirs, const std::vector<std::string>& also_covered) {
  std::vector<std::string> sorted(dirs.begin(), dirs.end());
  std::sort(sorted.begin(), sorted.end(), path_less);
  std::vector<std::string> out;
  for (auto& d : sorted)
    if (!within_any(d, out) && !within_any(d, also_covered)) out.push_back(std::move(d));
  return out;
}

}  // namespace

bool is_cookie_name(std::string_view path) { return base_name(path).substr(0, kCookiePrefix.size()) == kCookiePrefix; }

bool SlicePlan::covers(const std::string& path) const {
  if (within_any(path, full_roots) || within_any(path, subtrees) || within_any(path, vanished_subtrees)) return true;
  return std::binary_search(paths.begin(), paths.end(), path, path_less);
}

SlicePlan plan_slice(const std::vector<ChangeRecord>& records, const std::vector<std::string>& roots) {
  SlicePlan plan;
  std::set<std::string> full, subtrees, vanished, paths, gone;
  std::set<uint64_t> inodes;
  std::set<std::pair<uint64_t, std::string>> inode_names;
  auto touch = [&](const std::string& p) {
    if (root_of(p, roots)) paths.insert(p);
  };
  for (const auto& r : records) {
    if (r.kind == ChangeKind::Overflow || r.kind == ChangeKind::RescanNeeded) {
      // At or above a root: the whole root. Below one: that subtree.
      for (const auto& root : roots)
        if (path_within(root, r.path)) full.insert(root);
      if (root_of(r.path, roots)) {
        ++plan.records;
        if (r.kind == ChangeKind::Overflow)
          full.insert(*root_of(r.path, roots));
        else
          subtrees.insert(r.path);
      }
      continue;
    }
    if (!root_of(r.path, roots)) continue;  // outside every root (a parent dir of a root is not backed up)
    ++plan.records;
    bool names_change =
        r.kind == ChangeKind::Created || r.kind == ChangeKind::Deleted || r.kind == ChangeKind::RenamedFrom || r.kind == ChangeKind::RenamedTo;
    // The directory holding a name that came or went has a new mtime, also
    // for our own cookie files.
    if (names_change) touch(parent_of(r.path));
    if (is_cookie_name(r.path)) continue;
    if (r.kind == ChangeKind::Deleted || r.kind == ChangeKind::RenamedFrom) gone.insert(r.path);
    if (r.kind == ChangeKind::Created || r.kind == ChangeKind::RenamedTo) gone.erase(r.path);
    touch(r.path);
    if (!r.is_dir && r.inode) {
      inodes.insert(r.inode);
      inode_names.emplace(r.inode, r.path);
    }
    if (r.is_dir && (r.kind == ChangeKind::RenamedTo || r.kind == ChangeKind::Created)) subtrees.insert(r.path);
    if (r.is_dir && (r.kind == ChangeKind::RenamedFrom || r.kind == ChangeKind::Deleted)) vanished.insert(r.path);
  }
  plan.gone = gone.size();
  plan.inodes.assign(inodes.begin(), inodes.end());
  plan.inode_names.assign(inode_names.begin(), inode_names.end());
  plan.full_roots.assign(full.begin(), full.end());
  std::sort(plan.full_roots.begin(), plan.full_roots.end(), path_less);
  plan.subtrees = outermost(std::move(subtrees), plan.full_roots);
  plan.vanished_subtrees = outermost(std::move(vanished), plan.full_roots);
  for (const auto& p : paths)
    if (!within_any(p, plan.full_roots) && !within_any(p, plan.subtrees)) plan.paths.push_back(p);
  std::sort(plan.paths.begin(), plan.paths.end(), path_less);
  return plan;
}

}  // namespace gb
