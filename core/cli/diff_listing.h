// What `diff` writes for two snapshots, in one place so the command line
// (diff [--json]) and the web page's diff (`gridbackup ui`, /api/diff) cannot
// drift apart. Shape: docs/JSON.md, "diff".
#pragma once
#include <vector>

#include "core/cli/listing_out.h"
#include "core/repository/repository.h"
#include "core/snapshot/view_diff.h"

namespace gb {

// Streams the changes from the view of `before` to that of `after` (log
// chains, SnapshotStore::chain) to `out`: as diff --json's object when
// `json` (its array closed when a view fails midway), else as its lines and
// summary. Stops early, with an Io error, when `out` says its reader left.
Result<DiffSummary> write_diff(Repository& repo, const std::vector<std::vector<Hash>>& before, const std::vector<std::vector<Hash>>& after, bool json,
                               const ListingOut& out);

}  // namespace gb
