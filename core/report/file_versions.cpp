#include "core/report/file_versions.h"

#include <map>
#include <optional>

#include "core/common/path_order.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

// What one log says about the path: nothing, a tombstone, or an entry.
Result<std::optional<Entry>> search_log(Repository& repo, const std::vector<Hash>& blobs, const std::string& path) {
  LogReader log(repo, blobs);
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, log.next(e));
    if (!more) return std::optional<Entry>{};
    int c = path_compare(e.path, path);
    if (c == 0) return std::optional<Entry>{std::move(e)};
    if (c > 0) return std::optional<Entry>{};  // sorted: the path is not in this log
  }
}

class PathLookup {
 public:
  PathLookup(Repository& repo, std::string path) : repo_(repo), store_(repo), path_(std::move(path)) {}

  // The path's entry in snapshot `s`'s view; nullopt when the view lacks it.
  Result<std::optional<Entry>> in(const Snapshot& s) {
    Snapshot cur = s;
    std::vector<std::string> pending;  // snapshots whose answer is their parent's
    std::optional<Entry> found;
    // depth bounds the walk, as in SnapshotStore::chain.
    for (uint64_t guard = 0;; ++guard) {
      if (auto it = memo_.find(cur.id); it != memo_.end()) {
        found = it->second;
        break;
      }
      GB_ASSIGN(auto here, search_log(repo_, cur.log_blobs, path_));
      if (here) {
        if (!here->deleted) found = std::move(*here);
        memo_[cur.id] = found;
        break;
      }
      if (cur.checkpoint) {  // a full view without the path
        memo_[cur.id] = std::nullopt;
        break;
      }
      if (cur.parent.empty() || guard > s.depth) return make_error(ErrorKind::Corrupt, "snapshot " + s.short_id() + " has a broken parent chain");
      pending.push_back(cur.id);
      GB_ASSIGN(cur, store_.load(cur.parent));
    }
    for (const auto& id : pending) memo_[id] = found;
    return found;
  }

 private:
  Repository& repo_;
  SnapshotStore store_;
  std::string path_;
  std::map<std::string, std::optional<Entry>> memo_;
};

bool same_version(const Entry& a, const Entry& b) {
  return a.type == b.type && a.size == b.size && a.mtime_ns == b.mtime_ns && a.content == b.content && a.symlink_target == b.symlink_target;
}

}  // namespace

Result<std::vector<FileVersion>> find_file_versions(Repository& repo, const std::vector<Snapshot>& snapshots, const std::string& path) {
  std::vector<FileVersion> out;
  PathLookup lookup(repo, path);
  for (const Snapshot& s : snapshots) {
    GB_ASSIGN(auto entry, lookup.in(s));
    if (!entry) continue;
    if (!out.empty() && same_version(out.back().entry, *entry)) {
      out.back().last = s;
      ++out.back().snapshots;
      continue;
    }
    out.push_back(FileVersion{std::move(*entry), s, s, 1});
  }
  return out;
}

}  // namespace gb
