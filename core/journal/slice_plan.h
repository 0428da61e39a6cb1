// From change records to a narrow slice: which paths a backup must stat
// again, which subtrees it must rescan, and which roots it cannot trust the
// journal for. Pure: no file system access, so it is unit tested on record
// streams and shared by every agent's dialect.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/journal/change_record.h"

namespace gb {

// Files a backup creates to synchronise with the agent; never backed up.
inline constexpr std::string_view kCookiePrefix = ".gridbackup-cookie-";
bool is_cookie_name(std::string_view path);

struct SlicePlan {
  // Roots the journal cannot vouch for (overflow, agent restart, an
  // unresolvable event at or above the root): scan them in full.
  std::vector<std::string> full_roots;
  // Directories to scan entirely (a directory renamed or moved in, a
  // rescan-needed subtree). Sorted in path order, none inside another.
  std::vector<std::string> subtrees;
  // Directories whose previous contents may all be gone (deleted or renamed
  // away): every path the previous snapshot had below them is stat'ed again.
  std::vector<std::string> vanished_subtrees;
  // Paths to stat again, in path order; none inside a rescanned subtree.
  std::vector<std::string> paths;
  // Inodes of files the journal saw change (sorted): every name the
  // previous snapshot had for them is stat'ed again too (hard links).
  std::vector<uint64_t> inodes;
  // Each of those inodes with the names the journal saw it under (sorted).
  std::vector<std::pair<uint64_t, std::string>> inode_names;
  size_t records = 0;  // records considered (inside the roots)
  // Paths whose last record says their name is gone (deleted or renamed
  // away), cookies aside: what a burst of deletes costs a narrow slice.
  size_t gone = 0;

  bool needs_full_scan() const { return !full_roots.empty(); }
  // Whether the plan looks at `path` (an audit's question: did the journal
  // tell us about this change?).
  bool covers(const std::string& path) const;
};

// `roots` are normalised and sorted in path order (normalise_roots).
SlicePlan plan_slice(const std::vector<ChangeRecord>& records, const std::vector<std::string>& roots);

}  // namespace gb
