// The difference between two snapshot views, streamed: both views come in
// path order, so a merge-join finds every change holding one entry of each.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

#include "core/common/result.h"
#include "core/snapshot/entry.h"

namespace gb {

// How a path differs between two views (diff's letters); not the journal's
// ChangeKind, which says what an event did.
enum class DiffKind : char {
  Added = '+',
  Removed = '-',
  Modified = 'M',         // content changed: a file's bytes or size, a symlink's target, a device's number
  TypeChanged = 'T',      // e.g. a file became a directory
  MetadataChanged = 'U',  // only mode, owner, xattrs or mtime changed
};

struct ViewChange {
  DiffKind kind;
  const Entry* before;  // null when added
  const Entry* after;   // null when removed
  const std::string& path() const { return after ? after->path : before->path; }
};

struct DiffSummary {
  uint64_t added = 0, removed = 0, modified = 0, type_changed = 0, metadata_changed = 0;  // entries
  uint64_t added_bytes = 0, removed_bytes = 0;                                            // sizes of added and removed files
  uint64_t modified_bytes_before = 0, modified_bytes_after = 0;                           // sizes of modified files
};

// How `after` differs from `before` (entries of one path); nullopt when it
// would restore the same. Identity used only for change detection (inode,
// device, ctime, hard-link id) is not compared.
std::optional<DiffKind> compare_entries(const Entry& before, const Entry& after);

// Yields the next entry of a view in path order; false at the end
// (ViewReader::next fits).
using EntrySource = std::function<Result<bool>(Entry&)>;

// Calls `each` for every change, in path order, and returns the totals. An
// error from a source or from `each` stops the walk and is returned.
Result<DiffSummary> diff_views(const EntrySource& before, const EntrySource& after, const std::function<Status(const ViewChange&)>& each);

}  // namespace gb
