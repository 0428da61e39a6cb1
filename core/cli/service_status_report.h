// What `service status` reports (health, whether the service and its agent
// run, why uploads wait, a user's pause, each job's last run), gathered in
// one place so the command line (service status [--json]) and the web
// page's dashboard (`gridbackup ui`, /api/service) cannot drift apart.
// Shape: docs/JSON.md, "service status". Read from service.db, so it works
// whether or not the service runs now.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cli/json.h"
#include "core/service/service_state.h"
#include "core/service/user_pause.h"
#include "core/state/local_state.h"

namespace gb {

struct ServiceStatusReport {
  std::string state_dir;
  std::unique_ptr<ServiceState> schedule;  // open: the health is read from it
  bool running = false;                    // its control socket answers
  bool agent_running = false;
  std::string paused_for;  // why uploads wait; empty: they do not
  std::optional<UserPause> user_pause;
  struct Job {
    std::string job;
    std::optional<JobRun> last;
  };
  std::vector<Job> jobs;  // snapshot, audit, upload, forget, prune, verify
};

// NotFound ("no service has run with the state dir D") when `state` has no service.db.
Result<ServiceStatusReport> read_service_status(const LocalState& state);
// The object `service status --json` prints.
Result<Json> service_status_json(ServiceStatusReport& r);

}  // namespace gb
