#include "agents/linux/systemd_files.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <filesystem>
#include <fstream>

#include "core/common/posix_error.h"

namespace gb {

bool systemd_running() {
  struct stat st;
  return ::stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

Status run_systemctl(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid < 0) return posix_error("cannot run systemctl", errno);
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>("systemctl")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp("systemctl", argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string cmd = "systemctl";
    for (const auto& a : args) cmd += " " + a;
    return make_error(ErrorKind::Io, fmt::format("'{}' failed (exit {})", cmd, WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return {};
}

Status write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return posix_error(fmt::format("cannot write {}", path), errno);
  }
  if (::chmod(tmp.c_str(), mode) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) return posix_error(fmt::format("cannot write {}", path), errno);
  return {};
}

}  // namespace gb
