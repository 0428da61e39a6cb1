#include "core/backup/narrow_slice.h"

#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/common/path_order.h"
#include "core/scan/device_boundary.h"

namespace gb {
namespace {

struct PathLess {
  bool operator()(const std::string& a, const std::string& b) const { return path_less(a, b); }
};

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// One path of the slice: how it is now (none: gone) and how the parent
// snapshot had it (none: new).
struct Item {
  std::optional<Entry> now, old;
};

class SliceBuilder {
 public:
  SliceBuilder(const std::vector<std::string>& roots, const ExcludeRules& excludes, BackupSession& session, ViewCache& cache)
      : roots_(roots), excludes_(excludes), session_(session), cache_(cache), reach_(roots) {}

  Status gather(const SlicePlan& plan) {
    // A tag file (CACHEDIR.TAG, --exclude-if-present) that came, changed or
    // went changes what its whole directory keeps, but the journal names
    // only the tag: the directory is scanned again, as a full scan sees it.
    // (Paths stat'ed one by one do this in restat.)
    for (const auto* list : {&plan.subtrees, &plan.vanished_subtrees})
      for (const auto& p : *list) GB_CHECK(rescan_if_tag(p));
    for (const auto& sub : plan.subtrees) GB_CHECK(rescan(sub));
    for (const auto& gone : plan.vanished_subtrees) {
      GB_CHECK(restat(gone));
      GB_ASSIGN(auto below, cache_.below(gone));
      for (auto& old : below) {
        std::string path = old.path;
        GB_CHECK(restat(path, std::move(old)));
      }
    }
    for (const auto& p : plan.paths) GB_CHECK(restat(p));
    // A file changed or unlinked through a name that is gone by now (a
    // temporary hard link) changed its other names too.
    for (uint64_t ino : inodes_named_elsewhere(plan)) {
      GB_ASSIGN(auto paths, cache_.paths_of_inode(0, ino));
      for (const auto& p : paths) GB_CHECK(restat(p));
    }
    return follow_hard_links();
  }

  std::map<std::string, Item, PathLess>& items() { return items_; }

  // A file that is new under this name may be an old file renamed: the same
  // inode in the previous snapshot gives its delta base.
  Result<std::optional<Entry>> rename_base(const Entry& e) {
    GB_ASSIGN(auto paths, cache_.paths_of_inode(e.device, e.inode));
    for (const auto& p : paths) {
      if (p == e.path) continue;
      auto it = items_.find(p);
      std::optional<Entry> old;
      if (it != items_.end()) {
        old = it->second.old;
      } else {
        GB_ASSIGN(old, cache_.get(p));
      }
      if (old && old->type == NodeType::File) return old;
    }
    return std::optional<Entry>();
  }

 private:
  const std::string* root_of(const std::string& path) const {
    for (const auto& r : roots_)
      if (path_within(path, r)) return &r;
    return nullptr;
  }

  // As the full scan decides: excluded if any name from below the root down
  // to the path matches or sits in a tagged directory (from the root down),
  // and never our own cookie files.
  bool excluded(const std::string& path, const std::string& root) {
    if (is_cookie_name(path)) return true;
    for (size_t i = root.size() + (root == "/" ? 0 : 1); i <= path.size(); ++i) {
      if ((i != path.size() && path[i] != '/') || i <= root.size()) continue;
      std::string above = path.substr(0, i);
      if (excludes_.matches(above) || excluded_by_tag(above)) return true;
    }
    return false;
  }

  // Whether `path`'s directory holds a tag file other than `path` itself; a
  // directory's tags are looked up once per slice, not once per path below.
  bool excluded_by_tag(const std::string& path) {
    if (!excludes_.has_tag_files()) return false;
    std::string dir = parent_of(path), name = path.substr(path.rfind('/') + 1);
    auto it = tags_in_dir_.find(dir);
    if (it == tags_in_dir_.end()) it = tags_in_dir_.emplace(dir, excludes_.present_tags(dir)).first;
    for (const auto& tag : it->second)
      if (tag != name) return true;
    return false;
  }

  // `known_old`: the previous entry when the caller already read it (from a
  // range of the view cache), which saves looking it up again.
  // A tag file's directory is scanned again (see gather).
  Status rescan_if_tag(const std::string& path) {
    if (!excludes_.has_tag_files() || path == "/" || !excludes_.is_tag_name(path.substr(path.rfind('/') + 1))) return {};
    std::string dir = parent_of(path);
    if (!root_of(dir) || !rescanned_for_tag_.insert(dir).second) return {};
    return rescan(dir);
  }

  Status restat(const std::string& path, std::optional<Entry> known_old = std::nullopt) {
    if (items_.count(path)) return {};
    // A tag changed through any name (even another hard link) is seen here.
    GB_CHECK(rescan_if_tag(path));
    if (items_.count(path) && items_[path].now) return {};
    Item& item = items_[path];
    if (known_old) {
      item.old = std::move(known_old);
    } else {
      GB_ASSIGN(item.old, cache_.get(path));
    }
    const std::string* root = root_of(path);
    // Behind a device boundary (a mount point, a btrfs subvolume): not in a
    // full scan of the root, so not in the slice.
    if (!root || excluded(path, *root) || !reach_.lists(path)) return {};
    auto e = stat_entry(path);
    if (!e) {
      if (e.error().cause != Cause::NotFound) session_.note_problem({path, e.error().message});  // vanished: not a problem
      return {};
    }
    if (excludes_.too_large(*e)) return {};
    item.now = std::move(*e);
    return {};
  }

  // Scans a subtree as the full scan would, and marks everything the parent
  // snapshot had below it and the scan did not find as gone.
  Status rescan(const std::string& dir) {
    const std::string* root = root_of(dir);
    if (!root || excluded(dir, *root)) return restat(dir);
    // The previous entries below, read in one range: a lookup for each
    // scanned entry was the larger part of rescanning a big moved-in tree.
    std::unordered_map<std::string, Entry> before;
    {
      GB_ASSIGN(auto below, cache_.below(dir));
      before.reserve(below.size());
      for (auto& old : below) {
        std::string path = old.path;
        before.emplace(std::move(path), std::move(old));
      }
    }
    bool found = false;
    // The full scan gets here only through directories it enters; a subtree
    // that is itself a boundary (a filesystem mounted on a new directory, a
    // new subvolume) is recorded, not entered: the scanner applies the same
    // rule to it, given the device of the directory listing it.
    std::optional<uint64_t> listing;
    if (reach_.boundary().is_root(dir) || (listing = reach_.entered(parent_of(dir)))) {
      Scanner scanner(
          {dir}, excludes_, [&](ScanProblem p) { session_.note_problem(std::move(p)); }, listing, roots_);
      Entry e;
      while (scanner.next(e)) {
        found = true;
        Item& item = items_[e.path];
        if (auto it = before.find(e.path); it != before.end()) {
          item.old = std::move(it->second);
          before.erase(it);
        } else if (e.path == dir) {
          GB_ASSIGN(item.old, cache_.get(e.path));
        } else {
          item.old.reset();
        }
        item.now = e;
      }
    }
    if (!found) {
      GB_CHECK(restat(dir));
      // Unentered, but on the way to roots inside it: those are scanned.
      for (const auto& r : roots_)
        if (r != dir && path_within(r, dir)) GB_CHECK(rescan(r));
    }
    for (auto& [path, old] : before) {
      Item& item = items_[path];
      if (!item.now && !item.old) item.old = std::move(old);
    }
    return {};
  }

  // The inodes that may have names the slice does not look at. An inode the
  // journal saw only under paths whose file is that same inode with no other
  // name, then and now, has none: looking it up would only cost a search.
  std::set<uint64_t> inodes_named_elsewhere(const SlicePlan& plan) const {
    std::set<uint64_t> out;
    for (const auto& [ino, path] : plan.inode_names) {
      auto it = items_.find(path);
      bool sole_name = false;
      if (it != items_.end()) {
        const auto& now = it->second.now;
        const auto& old = it->second.old;
        sole_name = now && old && now->type == NodeType::File && old->type == NodeType::File && now->inode == ino && old->inode == ino &&
                    now->device == old->device && !now->hardlink_id && !old->hardlink_id;
      }
      if (!sole_name) out.insert(ino);
    }
    return out;
  }

  // A write or chmod through one name of a hard-linked file changes every
  // name; a new or removed link changes the others' link count. The journal
  // names only the path used, so every name of a touched inode is stat'ed.
  Status follow_hard_links() {
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (bool grew = true; grew;) {
      grew = false;
      std::vector<std::pair<uint64_t, uint64_t>> inodes;
      for (const auto& [path, item] : items_) {
        for (const auto* e : {item.now ? &*item.now : nullptr, item.old ? &*item.old : nullptr})
          if (e && e->type == NodeType::File && e->hardlink_id && seen.insert({e->device, e->inode}).second) inodes.emplace_back(e->device, e->inode);
      }
      for (const auto& [dev, ino] : inodes) {
        GB_ASSIGN(auto paths, cache_.paths_of_inode(dev, ino));
        for (const auto& p : paths)
          if (!items_.count(p)) {
            GB_CHECK(restat(p));
            grew = true;
          }
      }
    }
    return {};
  }

  const std::vector<std::string>& roots_;
  const ExcludeRules& excludes_;
  std::map<std::string, std::vector<std::string>> tags_in_dir_;
  std::set<std::string> rescanned_for_tag_;
  BackupSession& session_;
  ViewCache& cache_;
  ScanReach reach_;
  std::map<std::string, Item, PathLess> items_;
};

}  // namespace

Status run_narrow_slice(const SlicePlan& plan, const std::vector<std::string>& roots, const BackupOptions& options, const ExcludeRules& excludes,
                        BackupProgress& progress, BackupSession& session, ViewCache& cache, BackupResult& result) {
  SliceBuilder builder(roots, excludes, session, cache);
  GB_CHECK(builder.gather(plan));
  SnapshotStats& stats = session.stats();
  std::vector<std::pair<Entry*, const Entry*>> files;
  for (auto& [path, item] : builder.items())
    if (item.now && item.now->type == NodeType::File) files.emplace_back(&*item.now, item.old ? &*item.old : nullptr);
  GB_CHECK(session.prehash(files, options.workers));
  for (auto& [path, item] : builder.items()) {
    ++progress.entries;
    ++result.slice_paths;
    GB_CHECK(session.packer_status());
    const Entry* old = item.old ? &*item.old : nullptr;
    if (!item.now) {
      if (old) {
        count_in_totals(stats, *old, -1);
        GB_CHECK(session.write_deleted(*old));
      }
      continue;
    }
    Entry& e = *item.now;
    if (e.type == NodeType::File) {
      std::optional<Entry> renamed;
      if (!old || old->type != NodeType::File) {
        GB_ASSIGN(renamed, builder.rename_base(e));
      }
      GB_ASSIGN(bool backed_up, session.fill_content(e, old, old && old->type == NodeType::File ? old : (renamed ? &*renamed : nullptr)));
      if (!backed_up) {
        if (old) {
          count_in_totals(stats, *old, -1);
          GB_CHECK(session.write_deleted(*old));
        }
        continue;
      }
    }
    if (old) count_in_totals(stats, *old, -1);
    count_in_totals(stats, e, +1);
    GB_CHECK(session.write(e, old));
  }
  return {};
}

}  // namespace gb
