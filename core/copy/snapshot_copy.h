// Copying snapshots from one repository into another, as restic's `copy`:
// the repositories have different keys, so every blob a snapshot needs is
// read (and checked) from the source and stored through the destination's
// own packer and index, under the destination's keys. Blob ids are the
// SHA-256 of their plaintext in every repository (docs/FORMAT.md, "Keys"),
// so a file's content hash names the same version in both: entries are
// copied as they are, and content the destination already has is not
// stored again.
//
// A snapshot keeps its time, host, user, paths, excludes, tags and stats.
// One whose parent is in the destination already (copied now or before)
// is stored as the same delta log on the parent's copy; any other becomes a
// checkpoint holding its full view. A snapshot the destination already has
// (same time, host, user, paths, excludes, tags and view) is not copied
// again: running copy twice copies nothing the second time.
#pragma once
#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

// For a progress line: snapshots handled of those chosen, content bytes
// (logical sizes) stored or found present so far, and how far the current
// snapshot is (its distinct contents' bytes handled, of their total).
struct CopyProgress {
  std::atomic<uint64_t> snapshots_done{0}, snapshots_total{0};
  std::atomic<uint64_t> bytes_new{0}, bytes_present{0};
  std::atomic<uint64_t> current_done{0}, current_total{0};
  // The share of the work done: whole snapshots, plus the current one's part.
  double fraction() const {
    uint64_t total = snapshots_total, cur_total = current_total;
    if (total == 0) return 0;
    double part = cur_total ? static_cast<double>(current_done) / static_cast<double>(cur_total) : 0;
    return (static_cast<double>(snapshots_done) + std::min(part, 1.0)) / static_cast<double>(total);
  }
};

struct CopyOptions {
  bool dry_run = false;     // count what would be copied; store nothing
  int workers = 2;          // the destination packer's threads
  std::string scratch_dir;  // where a version is rebuilt when it cannot be copied blob by blob
  CopyProgress* progress = nullptr;
  // A snapshot was stored in the destination (for seen-objects).
  std::function<void(const Snapshot& stored)> stored;
};

struct CopiedSnapshot {
  enum class Outcome { Copied, Present, Incomplete };
  Outcome outcome = Outcome::Copied;
  Snapshot source;          // as listed in the source
  std::string destination;  // its id in the destination ("" under dry_run, or when incomplete)
  bool checkpoint = true;   // stored as a checkpoint (its parent was not in the destination)
};

struct CopyResult {
  std::vector<CopiedSnapshot> snapshots;  // in the order copied (oldest first)
  uint64_t copied = 0, present = 0, incomplete = 0;
  // Distinct file contents the copy needed: stored now, or found in the
  // destination already; with their logical sizes.
  uint64_t contents_new = 0, contents_present = 0;
  uint64_t bytes_new = 0, bytes_present = 0;
  uint64_t bytes_stored = 0;  // sealed bytes written to the destination's packs (content, logs, signatures)
};

// Copies `chosen` (source snapshots, any order: they are copied oldest
// first) from `from` into `to`. Both indexes must be loaded; `to` must be
// held under its storing lock. A snapshot whose content the source does not
// hold in full (committed with --no-upload, not uploaded yet) is not copied
// and counted `incomplete`. Each copied snapshot is committed on its own
// (packs, index object, snapshot), so a copy cut short keeps what it did and
// the next one goes on from there.
Result<CopyResult> copy_snapshots(Repository& from, Repository& to, std::vector<Snapshot> chosen, const CopyOptions& options);

}  // namespace gb
