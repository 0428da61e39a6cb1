// How much of a snapshot's content is stored: a snapshot is committed before
// its content is uploaded, so until the queue drains some files are pending.
#pragma once
#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct Completeness {
  uint64_t pending_files = 0, pending_bytes = 0;
  bool complete() const { return pending_files == 0; }
};

Result<Completeness> snapshot_completeness(Repository& repo, const Snapshot& snapshot);

}  // namespace gb
