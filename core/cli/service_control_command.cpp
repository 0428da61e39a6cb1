#include "core/cli/service_control_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/time_text.h"
#include "core/common/duration.h"
#include "core/service/control_socket.h"

namespace gb {

namespace {

// ", and uploads also wait: on battery (BAT0 discharging)" when something
// besides the user's pause holds them.
std::string other_pause_clause(const nlohmann::json& answer) {
  auto other = answer.find("other_pause");
  if (other == answer.end() || !other->is_string()) return "";
  return fmt::format("; uploads also wait: {}", other->get<std::string>());
}

}  // namespace

Result<nlohmann::json> control_request_for(const std::string& sub, const std::optional<std::string>& for_text) {
  if (!is_service_control_command(sub))
    return make_error(ErrorKind::InvalidArgument, fmt::format("the service takes pause, resume, backup-now or upload-now, not '{}'", sub));
  nlohmann::json request = {{"command", sub}};
  if (for_text && sub != "pause") return make_error(ErrorKind::InvalidArgument, fmt::format("--for goes with service pause, not service {}", sub));
  if (for_text) {
    auto d = parse_duration(*for_text);
    if (!d) return make_error(ErrorKind::InvalidArgument, fmt::format("--for: {}", d.error().message));
    if (d->total_seconds() <= 0) return make_error(ErrorKind::InvalidArgument, fmt::format("--for wants a duration above zero, not '{}'", *for_text));
    request["for_seconds"] = d->total_seconds();
  }
  return request;
}

LocalState service_local_state(const CommandLine& cl) {
  return cl.value("state-dir") || cl.flag("user") ? local_state(cl) : LocalState(LocalState::kSystemAgentDir);
}

bool is_service_control_command(const std::string& sub) { return sub == "pause" || sub == "resume" || sub == "backup-now" || sub == "upload-now"; }

std::string user_pause_text(const UserPause& pause) {
  return fmt::format("paused by {} until {}", pause.by, pause.until_ns ? local_time_text(pause.until_ns) : "`gridbackup service resume`");
}

std::string control_answer_text(const nlohmann::json& answer) {
  std::string command = answer.contains("command") && answer["command"].is_string() ? answer["command"].get<std::string>() : "";
  auto pause = user_pause_from_json(answer.contains("user_pause") ? answer["user_pause"] : nlohmann::json());
  bool was_paused = answer.contains("was_paused") && answer["was_paused"].is_boolean() && answer["was_paused"].get<bool>();
  if (command == "pause" && pause)
    return fmt::format("uploads and upkeep {} (snapshots go on, their content queued){}", user_pause_text(*pause), other_pause_clause(answer));
  if (command == "resume")
    return fmt::format("{}{}", was_paused ? "the pause is over: uploads and upkeep go on" : "the service was not paused by a user",
                       other_pause_clause(answer));
  if (command == "backup-now")
    return fmt::format("the service takes a snapshot now{}",
                       pause ? fmt::format(" (its upload waits: uploads are {})", user_pause_text(*pause)) : "");
  if (command == "upload-now") {
    if (pause)
      return fmt::format("uploads are {}: the upload starts when the pause ends (upload-now does not override a pause)", user_pause_text(*pause));
    auto other = answer.find("other_pause");
    if (other != answer.end() && other->is_string())
      return fmt::format("uploads wait: {}; the upload starts when that ends (upload-now does not override a pause)", other->get<std::string>());
    return "the service starts an upload now";
  }
  return pause ? "uploads and upkeep are " + user_pause_text(*pause) + other_pause_clause(answer)
               : "not paused by a user" + other_pause_clause(answer);
}

int service_control_command(const CommandLine& cl, const std::string& sub) {
  auto request = control_request_for(sub, cl.value("for"));
  if (!request) return report_error(request.error());
  auto answer = control_request(service_local_state(cl).dir(), *request);
  if (!answer && answer.error().kind == ErrorKind::NotFound && !cl.flag("user") && !cl.value("state-dir")) {
    // The system's state dir is the default: the one who runs a --user service may have meant theirs.
    Error e = answer.error();
    e.message += "; --user reaches this user's service";
    return report_error(e);
  }
  if (!answer) return report_error(answer.error());
  if (cl.flag("json"))
    std::printf("%s\n", json_text(Json(*answer)).c_str());
  else
    std::printf("%s\n", control_answer_text(*answer).c_str());
  return kExitOk;
}

}  // namespace gb
