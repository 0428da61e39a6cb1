// Restores a snapshot's view below a target directory: each stored absolute
// path P lands at TARGET/P. Content is checked blob by blob as it is read; a
// file whose content is damaged or missing is not left behind half-written,
// and the damaged objects are named. Promises: no symlink below the target is
// ever followed (see target_tree.h); each file is written under a temporary
// name and renamed into place when whole; runs of zero blocks become holes;
// memory is bounded whatever a file holds.
#pragma once
#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct RestoreOptions {
  std::string target;
  std::vector<std::string> include;  // absolute paths; empty means everything
};

struct RestoreProgress {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> bytes{0};
};

struct RestoreFailure {
  std::string path;
  std::string message;
};

struct RestoreResult {
  uint64_t files = 0, dirs = 0, others = 0, bytes = 0;
  std::vector<RestoreFailure> failures;     // could not be written (local problem)
  std::vector<RestoreFailure> damaged;      // content damaged or missing in the repository
  std::vector<std::string> not_uploaded;    // content still in the upload queue of the machine that backed it up
  std::set<std::string> damaged_objects;    // repository objects at fault
  std::vector<std::string> warnings;        // metadata that could not be applied
  std::vector<std::string> replaced_links;  // symlinks found in the target where the snapshot has something else, replaced (never followed)
};

Result<RestoreResult> run_restore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options, RestoreProgress& progress);

}  // namespace gb
