// The text `diff` prints for two snapshot views, shared with `backup -v`
// (the changes a backup recorded, against its parent).
#pragma once
#include <string>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/snapshot.h"
#include "core/snapshot/view_diff.h"

namespace gb {

// "1 added (2 B), 1 removed (2 B), 1 modified (2 B -> 4 B), 0 type changed, 1 metadata only"
std::string diff_summary_text(const DiffSummary& s);

// Walks the views of two log chains (SnapshotStore::chain; `before` empty:
// an empty view) and, with `each_path`, prints a line a change ("M /path") on
// stdout. Returns the totals.
Result<DiffSummary> list_view_changes(Repository& repo, const std::vector<std::vector<Hash>>& before, const std::vector<std::vector<Hash>>& after,
                                      bool each_path);

// backup -v: the summary of what `s` changed against its parent (a first
// snapshot: against nothing), on stdout; with `each_path` (-vv) a line a change before it.
Status print_snapshot_changes(Repository& repo, const Snapshot& s, bool each_path);

}  // namespace gb
