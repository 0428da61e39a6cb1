// Restores a snapshot's view below a target directory: each stored absolute
// path P lands at TARGET/P. Content is checked blob by blob as it is read; a
// file whose content is damaged or missing is not left behind half-written,
// and the damaged objects are named. Promises: no symlink below the target is
// ever followed (see target_tree.h); each file is written under a temporary
// name and renamed into place when whole; runs of zero blocks become holes;
// memory is bounded whatever a file holds.
//
// What is already in the target is kept or replaced as `overwrite` says
// (restic's modes); `delete_extra` removes what the snapshot lacks below the
// restored paths; `verify` reads every file back; `dry_run` only counts.
#pragma once
#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"

namespace gb {

// What to do with a file (or other non-directory node) already at a path.
enum class Overwrite {
  Always,     // replace it (the default, as restic's)
  IfChanged,  // keep it when it is already the snapshot's: same size and mtime, or (mtime differs) the same content hash;
              // its metadata is set again; otherwise replace it
  IfNewer,    // replace it only when the snapshot's mtime is later than its own
  Never,      // keep it as it is
};

// What the restore did to one path, for --verbose (`Action` names it).
enum class RestoreAction { Written, Unchanged, Kept, Deleted };
const char* action_name(RestoreAction a, bool dry_run);

struct RestoreOptions {
  std::string target;
  std::vector<std::string> include;  // absolute paths; empty means everything
  Overwrite overwrite = Overwrite::Always;
  bool dry_run = false;       // count what would be written, kept and deleted; touch nothing
  bool delete_extra = false;  // remove what the snapshot lacks below `scope`
  bool verify = false;        // read back every file written or kept as unchanged, compare with its content hash
  // Where delete_extra may remove: `include`, or (empty) the snapshot's own paths.
  std::vector<std::string> scope;
  std::function<void(RestoreAction, const std::string& path)> on_action;  // optional
};

struct RestoreProgress {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> files{0};  // files written, kept or failed
  std::atomic<uint64_t> bytes{0};  // of files written or kept
};

struct RestoreFailure {
  std::string path;
  std::string message;
};

struct RestoreResult {
  uint64_t files = 0, dirs = 0, others = 0, bytes = 0;  // written (or, dry run, to be)
  uint64_t kept = 0, kept_bytes = 0;                    // non-directories left as they were (unchanged, or by --overwrite)
  uint64_t deleted = 0, deleted_bytes = 0;              // removed by delete_extra (entries; bytes of files)
  uint64_t verified = 0;                                // files read back and found right
  std::vector<RestoreFailure> mismatched;               // read back and found different (verify)
  std::vector<RestoreFailure> failures;                 // could not be written (local problem)
  std::vector<RestoreFailure> damaged;                  // content damaged or missing in the repository
  std::vector<std::string> not_uploaded;                // content still in the upload queue of the machine that backed it up
  std::set<std::string> damaged_objects;                // repository objects at fault
  std::vector<std::string> warnings;                    // metadata that could not be applied
  std::vector<std::string> replaced_links;  // symlinks found in the target where the snapshot has something else, replaced (never followed)
};

Result<RestoreResult> run_restore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options, RestoreProgress& progress);

}  // namespace gb
