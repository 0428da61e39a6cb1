// Every stored version of one path (`gridbackup versions PATH`): the
// snapshots are walked oldest first and each change of what the path holds
// (type, size, mtime, content or link target) starts a new version; the
// snapshots in between that keep it are counted, not listed again.
//
// The path's entry in a snapshot is looked up in that snapshot's own log and,
// when the log does not name it, in its parent's (remembered), so the cost is
// the logs' sizes, not one full view per snapshot; each log is read only up
// to the path (logs are sorted, core/common/path_order.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/entry.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct FileVersion {
  Entry entry;             // as the first snapshot holding this version has it
  Snapshot first, last;    // the first and the last snapshot that hold it
  uint64_t snapshots = 0;  // how many of the snapshots walked hold it
};

// `snapshots` oldest first (SnapshotStore::list order); `path` absolute, as stored.
Result<std::vector<FileVersion>> find_file_versions(Repository& repo, const std::vector<Snapshot>& snapshots, const std::string& path);

}  // namespace gb
