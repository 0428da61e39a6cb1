// The snapshots of a repository: stored as snapshots/<id>, each a sealed
// envelope named by the SHA-256 of its bytes. Forgetting a snapshot stores a
// sealed tombstone forgotten/<id> instead of deleting it: a kept snapshot's
// view may still need the forgotten one's logs (chain() walks parents by id),
// so only prune, which knows every chain, deletes snapshot objects.
#pragma once
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

class SnapshotStore {
 public:
  explicit SnapshotStore(Repository& repo) : repo_(repo) {}
  // Every live (not forgotten) snapshot, oldest first. Damaged ones, and
  // damaged tombstones, fail the call, named.
  Result<std::vector<Snapshot>> list();
  // Any stored snapshot, forgotten or not (a chain may need a forgotten one).
  Result<Snapshot> load(const std::string& id);
  // "latest", a full id, or a unique id prefix (at least 4 hex digits), among
  // the live snapshots. "latest" here is the newest of *any* host: commands
  // resolve through resolve_snapshot (snapshot_select.h), this host's.
  Result<Snapshot> resolve(const std::string& ref);
  // Stores the snapshot and sets its id.
  Status save(Snapshot& s);
  // Stores the tombstone forgotten/<s.id>, dated now: `s` leaves list() and
  // resolve(); its object stays until prune deletes it.
  Status forget(const Snapshot& s);
  // Changes a snapshot's tags as restic does: the copy with `tags` is stored
  // under a new id, then the old one gets a tombstone (it stays loadable: a
  // child's chain names it as parent). Killed between the two, both are
  // listed, the old tags and the new: nothing is lost, running again ends it.
  // A tombstone, not a deletion, so seen-objects does not take the old id's
  // leaving for a rollback. Returns the stored copy.
  Result<Snapshot> retag(const Snapshot& s, std::vector<std::string> tags);
  // The ids of the forgotten snapshots whose tombstones authenticate, in no
  // particular order; a damaged tombstone fails the call, named.
  Result<std::vector<std::string>> forgotten_ids();
  // The log blob lists from the last checkpoint up to `s`, oldest first.
  Result<std::vector<std::vector<Hash>>> chain(const Snapshot& s);

 private:
  Result<bool> is_forgotten(const std::string& id);
  // Opens the tombstone forgotten/<id> (already fetched), checking that it
  // was sealed with this repository's key for exactly this snapshot id.
  Status check_tombstone(const std::string& id, ByteView sealed);
  Repository& repo_;
};

}  // namespace gb
