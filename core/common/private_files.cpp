#include "core/common/private_files.h"
#include "core/common/posix_error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace gb {
namespace {

Error cannot_tighten(const std::string& path, mode_t mode, int err) {
  return make_error(ErrorKind::Io, fmt::format("the local state {} is open to other users (mode {:04o}) and cannot be made private ({}); "
                                               "make it private (chmod go-rwx) or use another --state-dir",
                                               path, static_cast<unsigned>(mode), std::strerror(err)));
}

void say_tightened(const std::string& path, mode_t from, mode_t to) {
  std::fprintf(stderr, "gridbackup: note: made the local state %s private (mode %04o -> %04o): it holds every backed-up path\n", path.c_str(),
               static_cast<unsigned>(from), static_cast<unsigned>(to));
}

}  // namespace

Status ensure_private(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};  // missing: it will be created private
  mode_t mode = st.st_mode & 07777;
  if ((mode & 077) == 0) return {};
  if (::chmod(path.c_str(), mode & 0700) != 0) return cannot_tighten(path, mode, errno);
  say_tightened(path, mode, mode & 0700);
  return {};
}

Status make_private_dir(const std::string& dir) {
  if (dir.empty()) return {};
  // Every missing component, from the top, with 0700 (mkdir's mode is
  // masked by the umask, so each new one gets an explicit chmod).
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0700) == 0) {
      ::chmod(part.c_str(), 0700);
    } else if (errno != EEXIST) {
      return posix_error(fmt::format("cannot create the state directory {}", part), errno);
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error(ErrorKind::Io, fmt::format("cannot create the state directory {}: {}", dir,
                                                 errno ? std::strerror(errno) : "a file of that name is in the way"));
  return ensure_private(dir);
}

Result<int> open_private_file(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return posix_error(fmt::format("cannot create {}", path), errno);
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    // A new file may have come out narrower than 0600 under an odd umask.
    mode_t mode = st.st_mode & 07777;
    if ((mode & 0600) != 0600 && st.st_uid == ::geteuid()) ::fchmod(fd, (mode & 0700) | 0600);
    if (mode & 077) {
      if (::fchmod(fd, mode & 0700) != 0) {
        int err = errno;
        ::close(fd);
        return cannot_tighten(path, mode, err);
      }
      say_tightened(path, mode, mode & 0700);
    }
  }
  return fd;
}

Status prepare_private_database(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) {
    GB_ASSIGN(int fd, open_private_file(path, O_RDWR));
    ::close(fd);
  } else {
    GB_CHECK(ensure_private(path));
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) GB_CHECK(ensure_private(path + suffix));
  return {};
}

}  // namespace gb
