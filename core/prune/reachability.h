// Prune's mark phase: everything the kept snapshots need. A snapshot needs
// its own object and logs and those of its ancestors up to its checkpoint
// (its view is their merge), and every file content in its view: the
// content's segments, or its delta blobs and base (recursively), and its
// librsync signature (the next version's delta is made against it).
//
// A kept version whose delta base no kept snapshot has is listed for
// re-basing: the sweep stores it in full, so that the next mark finds the
// base unused instead of keeping it alive only as a base.
#pragma once
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct Reachability {
  std::unordered_set<Hash, HashHasher> live_blobs;
  std::unordered_set<std::string> needed_snapshots;  // kept snapshots and the ancestors their views merge
  std::vector<std::pair<Hash, uint64_t>> rebase;     // (content, size) to store in full
  uint64_t live_contents = 0;
};

// The snapshot ids each kept snapshot's view needs: itself and its parents up to its checkpoint.
Result<std::unordered_set<std::string>> needed_snapshot_ids(Repository& repo, const std::vector<Snapshot>& kept);

// `repo`'s index must be the whole index (no prune plan applied).
// `progress` is called with the number of snapshots done so far.
Result<Reachability> find_reachable(Repository& repo, const std::vector<Snapshot>& kept, const std::function<void(size_t)>& progress = {});

}  // namespace gb
