// Installing the agent as a systemd service: the unit (the text of
// agents/linux/gridbackup-agent.service, built into the binary) and the
// roots file it reads.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct AgentInstallOptions {
  std::vector<std::string> roots;  // canonical directories
  std::string unit_dir = "/etc/systemd/system";
  std::string config_dir = "/etc/gridbackup";  // holds agent.conf: the roots, one per line
  std::string binary;                          // the gridbackup the unit runs (absolute)
  bool start = true;                           // daemon-reload, enable --now
};

inline constexpr const char* kAgentUnitName = "gridbackup-agent.service";

// The unit text with ExecStart pointing at `binary` and `roots_file`.
std::string agent_unit_text(const std::string& binary, const std::string& roots_file);

// Writes the unit and the roots file, then (when asked and systemd runs)
// reloads systemd and enables and starts the unit. `said` gets the lines to
// show the user.
Status install_agent(const AgentInstallOptions& options, std::vector<std::string>& said);
// Stops and disables the unit (when systemd runs), removes it and the roots file.
Status uninstall_agent(const AgentInstallOptions& options, std::vector<std::string>& said);

// The roots file's roots (one per line, blank lines ignored).
Result<std::vector<std::string>> read_roots_file(const std::string& path);

}  // namespace gb
