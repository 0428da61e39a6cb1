#include "agents/linux/service_install.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "agents/linux/agent_install.h"
#include "agents/linux/systemd_files.h"
#include "core/common/posix_error.h"
#include "service_unit_text.h"  // generated from gridbackup.service and gridbackup-user.service by CMake

namespace gb {
namespace {

bool under(const std::string& path, const std::string& dir) { return path == dir || path.rfind(dir + "/", 0) == 0; }

// What the system unit's sandbox replaces with an empty directory of its own.
struct Hidden {
  const char* dir;
  const char* by;
};
constexpr Hidden kHidden[] = {{"/tmp", "PrivateTmp=yes"}, {"/var/tmp", "PrivateTmp=yes"}, {"/dev", "PrivateDevices=yes"}};

Status check_visible(const std::string& what, const std::string& path) {
  for (const Hidden& h : kHidden)
    if (under(path, h.dir))
      return make_error(
          ErrorKind::InvalidArgument,
          fmt::format("{} {} lies in {}, which the unit's {} replaces with an empty directory of its own, so the service "
                      "could not see it: choose one outside /tmp, /var/tmp and /dev, or install the --user service, which has no such sandbox",
                      what, path, h.dir, h.by));
  return {};
}

// The build tree `binary` lies in: the nearest directory above it with a CMakeCache.txt.
std::optional<std::string> build_tree_of(const std::string& binary) {
  std::error_code ec;
  for (std::filesystem::path p = std::filesystem::path(binary).parent_path(); !p.empty(); p = p.parent_path()) {
    if (std::filesystem::exists(p / "CMakeCache.txt", ec)) return p.string();
    if (p == p.root_path()) break;
  }
  return std::nullopt;
}

std::string user_config_home() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') return x;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.config";
}

}  // namespace

std::string systemd_quote(const std::string& word) {
  std::string out;
  bool plain = !word.empty();
  for (char c : word) {
    if (c == '%' || c == '$') out += c;  // %% and $$: no specifier, no variable
    out += c;
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("/._-+:,=@%$").find(c) == std::string_view::npos) plain = false;
  }
  if (plain) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string default_service_unit_dir(bool user) { return user ? user_config_home() + "/systemd/user" : "/etc/systemd/system"; }

Result<std::string> service_unit_text(const ServiceInstallOptions& o) {
  if (o.roots.empty()) return make_error(ErrorKind::InvalidArgument, "service install needs at least one ROOT to back up");
  std::vector<std::string> words = {o.binary, "service", "run"};
  if (o.user) words.push_back("--user");
  words.insert(words.end(), o.run_options.begin(), o.run_options.end());
  words.insert(words.end(), o.roots.begin(), o.roots.end());
  for (const auto& w : words)
    if (w.find('\n') != std::string::npos)
      return make_error(ErrorKind::InvalidArgument, "a unit's command line cannot hold a newline, and one of its words does");
  if (!o.force)
    if (auto tree = build_tree_of(o.binary))
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("{} lies in the build tree {} (it holds a CMakeCache.txt), and a unit must run an installed binary that the next "
                                    "build or a clean cannot change or remove: install it (cmake --install {}) and run that gridbackup's service "
                                    "install, or give --force",
                                    o.binary, *tree, *tree));
  std::vector<std::string> writes = o.writes;
  if (o.writes_roots) writes.insert(writes.end(), o.roots.begin(), o.roots.end());
  if (!o.user) {
    GB_CHECK(check_visible("the gridbackup binary", o.binary));
    for (const auto& r : o.roots) GB_CHECK(check_visible("the root", r));
    for (const auto& w : o.writes) GB_CHECK(check_visible("the directory", w));
    for (const auto& r : o.reads) GB_CHECK(check_visible("the file", r));
  }
  std::string exec;
  for (const auto& w : words) exec += (exec.empty() ? "" : " ") + systemd_quote(w);
  std::string rw;
  for (size_t i = 0; i < writes.size(); ++i) {
    bool again = false;
    for (size_t j = 0; j < i; ++j) again = again || writes[j] == writes[i];
    if (!again) rw += (rw.empty() ? "" : " ") + systemd_quote(writes[i]);
  }
  std::istringstream in(o.user ? kUserServiceUnitText : kServiceUnitText);
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ExecStart=", 0) == 0) line = "ExecStart=" + exec;
    if (line.rfind("ReadWritePaths=", 0) == 0) line = "ReadWritePaths=" + rw;
    text += line + "\n";
  }
  return text;
}

Status install_service(const ServiceInstallOptions& o, std::vector<std::string>& said) {
  GB_ASSIGN(std::string text, service_unit_text(o));
  std::string unit_file = o.unit_dir + "/" + kServiceUnitName;
  GB_CHECK(write_file(unit_file, text, 0644));
  said.push_back(fmt::format("wrote {} ({} root{}, running {})", unit_file, o.roots.size(), o.roots.size() == 1 ? "" : "s", o.binary));
  std::error_code ec;
  if (!o.user && std::filesystem::exists(o.unit_dir + "/" + kAgentUnitName, ec))
    said.push_back(
        fmt::format("note: the agent-only unit {} is installed too; the service uses the agent it runs (or remove it: gridbackup agent uninstall)",
                    kAgentUnitName));
  std::string ctl = o.user ? "systemctl --user" : "systemctl";
  if (!o.start) return {};
  if (!systemd_running()) {
    said.push_back(
        fmt::format("systemd is not running here, so the service was not started (on a systemd machine: {} enable --now gridbackup)", ctl));
    return {};
  }
  std::vector<std::string> user;
  if (o.user) user.push_back("--user");
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), user.begin(), user.end());
    return args;
  };
  GB_CHECK(run_systemctl(with({"daemon-reload"})));
  GB_CHECK(run_systemctl(with({"enable", "--now", "gridbackup"})));
  said.push_back(fmt::format("the service is enabled and running ({} status gridbackup)", ctl));
  return {};
}

Status uninstall_service(const ServiceInstallOptions& o, std::vector<std::string>& said) {
  std::string unit_file = o.unit_dir + "/" + kServiceUnitName;
  bool systemd = o.start && systemd_running();
  std::vector<std::string> user;
  if (o.user) user.push_back("--user");
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), user.begin(), user.end());
    return args;
  };
  if (systemd) GB_CHECK(run_systemctl(with({"disable", "--now", "gridbackup"})));
  if (::unlink(unit_file.c_str()) == 0)
    said.push_back("removed " + unit_file);
  else if (errno != ENOENT)
    return posix_error(fmt::format("cannot remove {}", unit_file), errno);
  else
    said.push_back(fmt::format("no {} to remove", unit_file));
  if (systemd) GB_CHECK(run_systemctl(with({"daemon-reload"})));
  return {};
}

}  // namespace gb
