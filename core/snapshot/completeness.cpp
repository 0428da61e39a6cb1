#include "core/snapshot/completeness.h"

#include <unordered_map>

#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

using Pending = std::unordered_map<std::string, uint64_t>;  // path -> size of files not stored

class CompletenessWalk {
 public:
  CompletenessWalk(Repository& repo, const std::vector<Snapshot>& snapshots) : repo_(repo), store_(repo) {
    for (const auto& s : snapshots) {
      known_.emplace(s.id, s);
      if (!s.checkpoint) ++children_left_[s.parent];
    }
  }

  Result<const Pending*> pending(const Snapshot& s, uint64_t depth_left) {
    if (auto it = done_.find(s.id); it != done_.end()) return &it->second;
    Pending set;
    if (!s.checkpoint) {
      if (s.parent.empty() || depth_left == 0) return make_error(ErrorKind::Corrupt, "snapshot " + s.short_id() + " has a broken parent chain");
      GB_ASSIGN(Snapshot parent, parent_of(s));
      GB_ASSIGN(const Pending* before, pending(parent, depth_left - 1));
      // The last child takes its parent's set instead of copying it: memory
      // stays about one set per snapshot line, not one per snapshot.
      if (--children_left_[parent.id] <= 0) {
        set = std::move(done_.find(parent.id)->second);
        done_.erase(parent.id);
      } else {
        set = *before;
      }
    }
    LogReader log(repo_, s.log_blobs);
    Entry e;
    for (;;) {
      GB_ASSIGN(bool more, log.next(e));
      if (!more) break;
      set.erase(e.path);
      if (!e.deleted && e.type == NodeType::File && !repo_.content_present(e.content, e.size)) set[e.path] = e.size;
    }
    return &done_.emplace(s.id, std::move(set)).first->second;
  }

 private:
  Result<Snapshot> parent_of(const Snapshot& s) {
    if (auto it = known_.find(s.parent); it != known_.end()) return it->second;
    return store_.load(s.parent);  // a forgotten parent still holds logs its children need
  }

  Repository& repo_;
  SnapshotStore store_;
  std::unordered_map<std::string, Snapshot> known_;
  std::unordered_map<std::string, Pending> done_;
  std::unordered_map<std::string, int64_t> children_left_;
};

}  // namespace

Result<std::vector<Completeness>> snapshots_completeness(Repository& repo, const std::vector<Snapshot>& snapshots) {
  CompletenessWalk walk(repo, snapshots);
  std::vector<Completeness> out;
  for (const Snapshot& s : snapshots) {
    auto set = walk.pending(s, s.depth + 1);
    Completeness c;
    if (!set) {
      if (set.error().kind != ErrorKind::Corrupt && set.error().kind != ErrorKind::NotFound) return set.error();
      c.unreadable = set.error().message;
      out.push_back(c);
      continue;
    }
    for (const auto& [path, size] : **set) {
      ++c.pending_files;
      c.pending_bytes += size;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace gb
