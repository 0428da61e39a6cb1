// Verify and repair of a grid, object by object: how many good shares each
// object has and where they are; repair rebuilds missing or damaged shares
// from any k good ones and stores them on healthy members, and retiring a
// member moves its shares elsewhere the same way.
//
// A pass lists every member once, then walks the objects in name order. It
// is incremental and resumable: the last object done is kept in a cursor
// file, so a pass stopped by --limit, an error or kill -9 continues after it
// the next time; a finished pass removes the cursor. Repairing an object
// only ever adds shares (atomic puts) before it removes redundant or damaged
// ones, so stopping it at any moment loses nothing.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/grid/share_store.h"

namespace gb {

struct ShareState {
  enum Kind { Good, Damaged, Unreadable, Stale };
  size_t member = 0;
  int index = 0;
  Kind kind = Good;
  std::string problem;  // for Damaged / Unreadable / Stale
};

struct ObjectHealth {
  std::string name;
  uint64_t length = 0;
  int k = 0, n = 0;
  std::vector<ShareState> shares;   // every share file found
  std::vector<size_t> unreachable;  // members that could not be listed
  int good = 0;                     // distinct share indices with an intact copy
  int spread = 0;                   // members that each hold a different intact share (at most n)
  bool readable = false;
  bool healthy() const { return readable && good == n && spread == n; }
};

struct RepairOutcome {
  int shares_written = 0;
  int shares_removed = 0;
  std::vector<std::string> problems;  // writes that failed
  ObjectHealth after;                 // the object's state once repaired
};

struct GridPassOptions {
  bool repair = false;
  std::string cursor_file;         // progress between runs; empty: none
  uint64_t limit = 0;              // objects this run; 0: all
  bool restart = false;            // ignore the cursor and start from the first object
  std::optional<size_t> retiring;  // member whose shares are moved elsewhere
  // Called for every object, with the repair outcome when one was attempted.
  std::function<void(const ObjectHealth&, const RepairOutcome*)> report;
};

struct GridPassSummary {
  uint64_t objects = 0;     // objects looked at in this run
  uint64_t healthy = 0;     // ... with n good shares on n members (after repair)
  uint64_t degraded = 0;    // readable but short of that
  uint64_t unreadable = 0;  // fewer than k good shares
  uint64_t repaired = 0;
  uint64_t shares_written = 0, shares_removed = 0;
  uint64_t marked = 0;                           // objects recorded as under-replicated at upload
  std::vector<std::string> unreachable_members;  // "id: why"
  std::string resumed_after;                     // the cursor this run started after
  bool finished = false;                         // the pass reached the last object
};

Result<GridPassSummary> run_grid_pass(ShareStore& grid, const GridPassOptions& options);

}  // namespace gb
