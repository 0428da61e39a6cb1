// How much a repository holds and what it costs to hold it (`gridbackup
// stats`): for each snapshot and for all of them, the logical size (what a
// restore writes) against the blobs its files need, before and after
// compression and sealing. Logical / raw is the deduplication ratio (equal
// segments stored once, a changed file kept as a delta), raw / stored the
// compression ratio; their product is logical / stored. A hard-linked inode
// counts once per snapshot, as restic's `stats --mode restore-size` does.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct SpaceFigures {
  uint64_t files = 0;           // regular files (a hard-linked inode once)
  uint64_t logical_bytes = 0;   // their sizes: what a restore writes
  uint64_t contents = 0;        // distinct file contents
  uint64_t blobs = 0;           // content blobs needed: segments, deltas and their bases
  uint64_t raw_bytes = 0;       // those blobs' plaintext
  uint64_t stored_bytes = 0;    // those blobs as stored: compressed and sealed
  uint64_t metadata_bytes = 0;  // stored log blobs (the view) and delta signatures
  // 0 when there is nothing to divide by.
  double dedup_ratio() const { return raw_bytes ? double(logical_bytes) / double(raw_bytes) : 0; }
  double compression_ratio() const { return stored_bytes ? double(raw_bytes) / double(stored_bytes) : 0; }
};

struct SnapshotSpace {
  Snapshot snapshot;
  SpaceFigures figures;
};

struct RepositoryStats {
  std::vector<SnapshotSpace> snapshots;  // as given, oldest first
  // Over the snapshots given: logical sums, every blob counted once.
  SpaceFigures total;
  uint64_t repository_bytes = 0;  // every object in the repository but locks, whatever needs it
  uint64_t objects = 0;
};

// `repo`'s index must be loaded. `progress` is called after each snapshot.
Result<RepositoryStats> compute_space_stats(Repository& repo, const std::vector<Snapshot>& snapshots,
                                            const std::function<void(size_t)>& progress = {});

}  // namespace gb
