// The service's grid repair when a member that was down answers again
// (issue: "grid repair when a member that was down answers again"). What
// is kept in service.db, so that a restart after kill -9 still repairs:
//   grid_down_since_repair  members seen down since the last repair that ran clean
//   grid_down_now           members down at the last probe
// (both: member ids, one per line). The health thread notes them on every
// probe; the job loop runs `grid repair` when one seen down is up again,
// and after a clean repair the first list becomes the second.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

class ServiceState;

// After a probe that reached the grid: `down` is who did not answer.
Status note_grid_members_down(ServiceState& schedule, const std::vector<std::string>& down);
// Members seen down that answer now ([]: no repair due).
Result<std::vector<std::string>> grid_members_returned(ServiceState& schedule);
// A repair ran clean: only those still down wait for the next one.
Status grid_repair_done(ServiceState& schedule);

}  // namespace gb
