// How much of a snapshot's content is stored: a snapshot is committed before
// its content is uploaded, so until the queue drains some files are pending.
#pragma once
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct Completeness {
  uint64_t pending_files = 0, pending_bytes = 0;
  std::string unreadable;  // why its view cannot be read (damage); empty when it can
  bool complete() const { return pending_files == 0 && unreadable.empty(); }
};

// The completeness of each of `snapshots` (in that order). A snapshot's view
// is its parent's view changed by its own log, so what it lacks is what its
// parent lacked, less the paths its log replaces or deletes, plus the files
// of its log that are not stored: each log is read once. Merging every
// snapshot's whole view instead cost snapshots x tree (`snapshots` took a
// second for 20 snapshots of 100k files, and grew with both). A snapshot
// whose view cannot be read (a damaged log or index object) is marked
// `unreadable` instead of failing the whole list.
Result<std::vector<Completeness>> snapshots_completeness(Repository& repo, const std::vector<Snapshot>& snapshots);

}  // namespace gb
