#include "core/cli/service_status_report.h"

#include <fmt/format.h>
#include <filesystem>

#include "core/cli/service_control_command.h"
#include "core/cli/service_health.h"
#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/service/control_socket.h"

namespace gb {

Result<ServiceStatusReport> read_service_status(const LocalState& state) {
  if (!std::filesystem::exists(state.service_path()))
    return make_error(ErrorKind::NotFound, fmt::format("no service has run with the state dir {}", state.dir()));
  ServiceStatusReport r;
  r.state_dir = state.dir();
  GB_ASSIGN(r.schedule, ServiceState::open(state.service_path()));
  r.agent_running = state.agent_running();
  // Running: its control socket answers (control_socket.h).
  r.running = static_cast<bool>(control_request(state.dir(), {{"command", "status"}}));
  GB_ASSIGN(auto paused, r.schedule->value("paused"));
  r.paused_for = paused ? *paused : "";
  GB_ASSIGN(r.user_pause, read_user_pause(*r.schedule, now_ns()));
  // A pause asked for a moment ago, before the loop's next look: it holds already.
  if (r.user_pause && r.paused_for.rfind(user_pause_text(*r.user_pause), 0) != 0)
    r.paused_for = user_pause_text(*r.user_pause) + (r.paused_for.empty() ? "" : "; " + r.paused_for);
  for (const char* job : {"snapshot", "audit", "upload", "forget", "prune", "verify"}) {
    GB_ASSIGN(auto last, r.schedule->last(job));
    r.jobs.push_back({job, last});
  }
  return r;
}

Result<Json> service_status_json(ServiceStatusReport& r) {
  GB_ASSIGN(Json health, health_status_json(*r.schedule));
  Json jobs = Json::array();
  for (const auto& [job, last] : r.jobs) {
    int64_t ago = last ? (now_ns() - last->finished_ns) / 1000000000 : 0;
    jobs.push_back({{"job", job},
                    {"last_finished", last ? Json(utc_time_text(last->finished_ns)) : Json()},
                    {"seconds_ago", last ? Json(ago) : Json()},
                    {"exit_code", last ? Json(last->exit_code) : Json()}});
  }
  return Json{{"state_dir", r.state_dir},
              {"health", health},
              {"service_running", r.running},
              {"agent_running", r.agent_running},
              {"uploads_paused", !r.paused_for.empty()},
              {"paused_for", r.paused_for.empty() ? Json() : Json(r.paused_for)},
              {"user_pause", r.user_pause ? Json(user_pause_json(*r.user_pause)) : Json()},
              {"jobs", jobs}};
}

}  // namespace gb
