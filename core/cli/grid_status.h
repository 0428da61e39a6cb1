// What `grid status` reports (the code, each member reachable or not, the
// objects recorded as short of shares), gathered in one place so the command
// line (grid status [--json]) and the web page's dashboard (`gridbackup ui`,
// /api/grid) cannot drift apart. Shape: docs/JSON.md, "grid status".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/cli/json.h"
#include "core/common/result.h"

namespace gb {

struct GridMemberState {
  std::string id, url;  // url: the member backend's shown form (no secret such as a Tahoe dircap)
  bool reachable = false;
  std::string state;  // "reachable", "UNREACHABLE: why", "MISSING: ..."
};

struct GridStatusReport {
  int k = 0, n = 0, happy = 0;
  std::vector<GridMemberState> members;
  int members_down = 0;
  std::optional<size_t> under_replicated;  // none when the record cannot be read
};

// Asks every member of the grid at `url` (a grid: URL) at once.
Result<GridStatusReport> read_grid_status(const std::string& url);
// The object `grid status --json` prints.
Json grid_status_json(const GridStatusReport& g);

}  // namespace gb
