// `gridbackup service pause [--for 2h] | resume | backup-now | upload-now`:
// requests to the running service over its control socket
// (core/service/control_socket.h), and the sentences they print. The web
// page (cmd_ui.cpp) sends the same requests with control_request and may
// print control_answer_text.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/cli/options.h"
#include "core/service/user_pause.h"

namespace gb {

// The state dir of `service` commands: --state-dir or --user's, else the
// system's (/var/lib/gridbackup): the service is the machine's by default.
LocalState service_local_state(const CommandLine& cl);

// True for the sub-commands this file runs (pause, resume, backup-now, upload-now).
bool is_service_control_command(const std::string& sub);
// The request one of them sends (`for_text`: pause's --for, as whole seconds);
// one sentence for another word or a bad duration.
Result<nlohmann::json> control_request_for(const std::string& sub, const std::optional<std::string>& for_text);
// Runs one of them: one request, its answer printed (--json: as one object).
int service_control_command(const CommandLine& cl, const std::string& sub);

// "paused by root until 2026-12-04 22:00:05" (local time) or "paused by
// root until `gridbackup service resume`".
std::string user_pause_text(const UserPause& pause);
// The sentence an answer of the control socket says to a person.
std::string control_answer_text(const nlohmann::json& answer);

}  // namespace gb
