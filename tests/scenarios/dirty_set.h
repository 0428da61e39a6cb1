// The dirty set: what a stream of change records tells a backup to look at,
// with the dialect's root mapped onto a common one ("C:\" -> "/", '\' -> '/'),
// so the three agents' translations of the same operations can be compared.
// Kinds are left out on purpose: the dialects legitimately differ there
// (FSEvents cannot tell a rename's old side from its new side), while the
// paths and whether each is a directory must agree.
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/journal/change_record.h"
#include "core/journal/recording.h"
#include "core/journal/translator.h"

namespace gb::scenario {

// A root prefix rewrite, like gridbackup-replay's --map FROM=TO: a path that
// starts with `from` gets `to` instead; when `from` is a Windows path
// ("C:\…") the rest has '\' turned into '/'.
struct PathMap {
  std::string from, to;
  std::string apply(const std::string& path) const;
};

struct DirtySet {
  std::set<std::pair<std::string, bool>> paths;  // (path, is_dir) of every change record
  std::set<std::string> rescans;                 // RescanNeeded subtrees
  bool overflow = false;                         // an Overflow: everything is rescanned, the rest is moot

  void add(const ChangeRecord& r, const PathMap& map);
  bool operator==(const DirtySet& o) const;
  std::string describe() const;  // one item per line, for failure messages
};

// Plays a recording through a translator (any dialect; the Linux fanotify
// translator joins by passing its own) and collects the dirty set.
DirtySet dirty_set_of(const Recording& recording, EventTranslator& translator, const PathMap& map, std::vector<ChangeRecord>* records = nullptr);

}  // namespace gb::scenario
