// What this machine has seen of a repository, kept in its state dir so that
// a repository that goes back is noticed (issue 21): every snapshot and every
// tombstone (forgotten/<id>) it has listed. A snapshot seen before that is
// neither stored nor forgotten now was deleted or rolled back (an older copy
// of the repository put back); a tombstone seen before that is gone brings a
// forgotten snapshot back. Prune keeps tombstones for this reason (FORMAT.md).
// The file (LocalState::seen_objects_path) is a cache like the rest of the
// state dir: deleting it accepts the repository as it is now. What it cannot
// see: a rollback before this machine first looked, or one that also rolls
// this state dir back.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/storage/backend.h"

namespace gb {

// Lists snapshots/ and forgotten/, compares them with `path`, records what is
// new (0600, written whole and renamed) and returns one sentence per thing
// that went back. Objects that went back stay recorded: the warning repeats
// until the file is deleted. A state dir that cannot be written only costs
// the record (returned as an error, which callers may report as a warning).
Result<std::vector<std::string>> check_seen_objects(Backend& backend, const std::string& path);

// Adds one snapshot this process stored itself (a backup's own commit).
Status record_seen_snapshot(const std::string& path, const std::string& id);

}  // namespace gb
