#include "agents/linux/agent_install.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent_unit_text.h"  // generated from gridbackup-agent.service by CMake
#include "agents/linux/systemd_files.h"
#include "core/common/posix_error.h"

namespace gb {
namespace {

constexpr std::string_view kDefaultBinary = "/usr/local/bin/gridbackup";
constexpr std::string_view kDefaultRootsFile = "/etc/gridbackup/agent.conf";

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

}  // namespace

std::string agent_unit_text(const std::string& binary, const std::string& roots_file) {
  std::string text(kAgentUnitText);
  replace_all(text, kDefaultBinary, binary);
  replace_all(text, kDefaultRootsFile, roots_file);
  return text;
}

Status install_agent(const AgentInstallOptions& o, std::vector<std::string>& said) {
  std::string roots_text;
  for (const auto& r : o.roots) {
    if (r.find('\n') != std::string::npos)
      return make_error(ErrorKind::InvalidArgument, "a root whose name holds a newline cannot be listed in the agent's roots file");
    roots_text += r + "\n";
  }
  std::string roots_file = o.config_dir + "/agent.conf";
  std::string unit_file = o.unit_dir + "/" + kAgentUnitName;
  GB_CHECK(write_file(roots_file, roots_text, 0644));
  GB_CHECK(write_file(unit_file, agent_unit_text(o.binary, roots_file), 0644));
  said.push_back(fmt::format("wrote {} and {} ({} root{})", unit_file, roots_file, o.roots.size(), o.roots.size() == 1 ? "" : "s"));
  if (!o.start) return {};
  if (!systemd_running()) {
    said.push_back("systemd is not running here, so the agent was not started (on a systemd machine: systemctl enable --now gridbackup-agent)");
    return {};
  }
  GB_CHECK(run_systemctl({"daemon-reload"}));
  GB_CHECK(run_systemctl({"enable", "--now", "gridbackup-agent"}));
  said.push_back("the agent is enabled and running (systemctl status gridbackup-agent)");
  return {};
}

Status uninstall_agent(const AgentInstallOptions& o, std::vector<std::string>& said) {
  std::string unit_file = o.unit_dir + "/" + kAgentUnitName;
  bool systemd = o.start && systemd_running();
  if (systemd) GB_CHECK(run_systemctl({"disable", "--now", "gridbackup-agent"}));
  for (const std::string& f : {unit_file, o.config_dir + "/agent.conf"}) {
    if (::unlink(f.c_str()) == 0)
      said.push_back("removed " + f);
    else if (errno != ENOENT)
      return posix_error(fmt::format("cannot remove {}", f), errno);
  }
  if (systemd) GB_CHECK(run_systemctl({"daemon-reload"}));
  return {};
}

Result<std::vector<std::string>> read_roots_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return posix_error(fmt::format("cannot read the agent's roots file {}", path), errno, ErrorKind::InvalidArgument);
  std::vector<std::string> roots;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) roots.push_back(line);
  return roots;
}

}  // namespace gb
