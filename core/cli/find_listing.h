// What `find` writes, in one place so the command line (find [--json]) and
// the web page's search (`gridbackup ui`, /api/find) cannot drift apart.
// Shape: docs/JSON.md, "find".
#pragma once
#include <cstdint>
#include <vector>

#include "core/cli/listing_out.h"
#include "core/common/path_glob.h"
#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"
#include "core/snapshot/snapshot_select.h"

namespace gb {

struct FindCounts {
  uint64_t matches = 0, snapshots = 0;
};

// Streams the paths matching `glob` in each snapshot of `all` that `filter`
// chooses, each view read once (bounded memory), to `out`: as find --json's
// array when `json` (closed even when a view fails midway), else as its text
// lines and the closing count.
Result<FindCounts> write_find(Repository& repo, const std::vector<Snapshot>& all, const SnapshotFilter& filter, const PathGlob& glob, bool json,
                              const ListingOut& out);

}  // namespace gb
