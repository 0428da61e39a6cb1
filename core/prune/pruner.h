// `gridbackup prune`: mark-and-sweep garbage collection in two phases, so
// backups from any host keep running while it works (docs/FORMAT.md, "Prune").
//
// Mark: with the exclusive prune lock, find everything kept snapshots need
// (reachability.h); every other indexed blob, every pack no index names and
// every forgotten snapshot no kept view needs becomes a candidate in a new
// plan (prune/plan). From then on backups treat candidates as absent.
//
// Sweep (a later prune, once the plan is older than the grace period; at
// once with a grace of 0): wait until every process at work when the plan
// was made has finished, mark again (a snapshot committed since may need a
// candidate: it stays), re-base versions whose delta base goes, copy the
// live blobs out of mostly-unused packs, store one index that replaces all
// older index objects, wait for every process that may have read the old
// index, then delete. A kill at any point leaves a valid repository: until
// the new index is stored nothing was removed, and deletions only remove
// what no index names any more.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/common/result.h"
#include "core/repository/repository.h"

namespace gb {

// How far the current mark is (snapshot views read of those kept), for a
// progress line; the other steps are quick beside it or say what they wait for.
struct PruneProgress {
  std::atomic<uint64_t> views_done{0}, views_total{0};
};

struct PruneOptions {
  int64_t grace_seconds = 3600;  // a plan is carried out no sooner than this after it was made
  int64_t wait_seconds = 600;    // how long to wait for earlier processes before deferring
  double max_unused = 0.10;      // packs with a larger unused share are rewritten
  bool dry_run = false;
  // Under dry_run: snapshots counted as forgotten though not yet (what
  // `forget --prune --dry-run` would forget), so the forecast covers both.
  std::unordered_set<std::string> assume_forgotten;
  std::string host;
  std::string scratch_dir;  // where re-based versions are rebuilt (temporary, unnamed files)
  int workers = 2;
  std::function<void(const std::string&)> say;  // progress lines for people
  PruneProgress* progress = nullptr;            // optional
};

struct PruneResult {
  bool swept = false;     // a plan was carried out
  bool planned = false;   // a new plan was stored
  bool deferred = false;  // processes older than the plan kept running: nothing was deleted this time
  bool nothing_to_do = false;
  int64_t plan_ripe_ns = 0;  // when the stored plan may be carried out
  uint64_t snapshots_kept = 0, live_contents = 0;
  uint64_t candidate_blobs = 0, candidate_bytes = 0, candidate_packs = 0, candidate_snapshots = 0;  // of the new plan
  uint64_t candidate_snapshot_bytes = 0;
  // What the sweep did; under dry_run what it would do (the sweep of a ripe
  // plan, else of what the mark finds unused now). Counted as objects are
  // deleted, so they are what left the repository.
  uint64_t packs_deleted = 0, packs_rewritten = 0, index_objects_replaced = 0, snapshots_deleted = 0, rebased = 0;
  uint64_t blobs_deleted = 0;
  uint64_t bytes_deleted = 0;             // stored sizes of the packs (deleted and rewritten) and snapshot objects removed
  uint64_t bytes_written = 0;             // new packs (rewritten live blobs, re-based versions); under dry_run the live bytes to copy
  uint64_t unused_bytes_kept = 0;         // unused blobs left in packs under max_unused (not worth a rewrite yet)
  uint64_t snapshots_needed_as_base = 0;  // forgotten snapshots kept: a kept snapshot's view is built on them
  int64_t bytes_freed() const { return static_cast<int64_t>(bytes_deleted) - static_cast<int64_t>(bytes_written); }
};

using RepositoryOpener = std::function<Result<std::unique_ptr<Repository>>()>;  // opens without loading the index

Result<PruneResult> run_prune(const RepositoryOpener& open, const PruneOptions& options);

}  // namespace gb
