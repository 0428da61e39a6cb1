// What both installers (the agent-only unit, agent_install.h, and the
// service's, service_install.h) do to systemd: write a unit file, ask
// whether systemd runs, run systemctl.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

// sd_booted(): systemd is PID 1 exactly when /run/systemd/system exists.
bool systemd_running();
// systemctl ARGS... (with --user first for a user's manager); fails with a
// sentence naming the command when it exits non-zero.
Status run_systemctl(const std::vector<std::string>& args);
// Writes `text` to `path` atomically (a temp file renamed), its directory made.
Status write_file(const std::string& path, const std::string& text, mode_t mode);

}  // namespace gb
