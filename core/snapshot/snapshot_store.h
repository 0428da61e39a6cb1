// The snapshots of a repository: stored as snapshots/<id>, each a sealed
// envelope named by the SHA-256 of its bytes.
#pragma once
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

class SnapshotStore {
 public:
  explicit SnapshotStore(Repository& repo) : repo_(repo) {}
  // Every snapshot, oldest first. Damaged ones fail the call, named.
  Result<std::vector<Snapshot>> list();
  Result<Snapshot> load(const std::string& id);
  // "latest", a full id, or a unique id prefix (at least 4 hex digits).
  Result<Snapshot> resolve(const std::string& ref);
  // Stores the snapshot and sets its id.
  Status save(Snapshot& s);
  // The log blob lists from the last checkpoint up to `s`, oldest first.
  Result<std::vector<std::vector<Hash>>> chain(const Snapshot& s);

 private:
  Repository& repo_;
};

}  // namespace gb
