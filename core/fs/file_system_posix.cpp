// The POSIX side of the file-system boundary (file_system.h): what every
// POSIX system has (lstat, readlink, read/write, mkstemp), and on systems
// other than Linux (file_system_linux.cpp) the calls that differ.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/common/bytes.h"
#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/fs/file_system.h"

namespace gb::fs {
namespace {

int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
#if defined(__APPLE__)
int64_t mtime_ns(const struct stat& st) { return ns(st.st_mtimespec); }
int64_t ctime_ns(const struct stat& st) { return ns(st.st_ctimespec); }
#else  // POSIX.1-2008
int64_t mtime_ns(const struct stat& st) { return ns(st.st_mtim); }
int64_t ctime_ns(const struct stat& st) { return ns(st.st_ctim); }
#endif

FileType type_of(mode_t m) {
  if (S_ISDIR(m)) return FileType::Dir;
  if (S_ISLNK(m)) return FileType::Symlink;
  if (S_ISFIFO(m)) return FileType::Fifo;
  if (S_ISCHR(m)) return FileType::CharDev;
  if (S_ISBLK(m)) return FileType::BlockDev;
  if (S_ISSOCK(m)) return FileType::Socket;
  return FileType::File;
}

void fill(const struct stat& st, FileInfo& info) {
  info.type = type_of(st.st_mode);
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime_ns = mtime_ns(st);
  info.ctime_ns = ctime_ns(st);
  info.inode = st.st_ino;
  info.device = st.st_dev;
  info.rdev = st.st_rdev;
  info.links = st.st_nlink;
}

}  // namespace

bool lstat_info(const std::string& path, FileInfo& info) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return false;
  fill(st, info);
  return true;
}

bool fstat_info(int fd, FileInfo& info) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return false;
  fill(st, info);
  return true;
}

bool read_symlink(const std::string& path, uint64_t size_hint, std::string& target) {
  size_t size = size_hint > 0 ? static_cast<size_t>(size_hint) : 255;
  for (;;) {
    target.assign(size + 1, '\0');  // one more: a full buffer means it may have grown
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return false;
    if (static_cast<size_t>(n) < target.size()) {
      target.resize(static_cast<size_t>(n));
      return true;
    }
    size *= 2;
  }
}

namespace portable {

UniqueFd open_for_reading(const std::string& path) { return UniqueFd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)); }

bool copy_contents(int in, int out, uint64_t& copied) {
  copied = 0;
  Bytes buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (!write_fully(out, ByteView(buf.data(), static_cast<size_t>(n)))) return false;
    copied += static_cast<uint64_t>(n);
  }
}

Result<UniqueFd> anonymous_temp_file(const std::string& dir) {
  // Named for an instant: removed as soon as it is open (mkstemp makes it 0600).
  if (dir.empty()) return make_error(ErrorKind::Unsupported, "cannot create a temporary file: no directory to make it in");
  std::string name = dir + "/.gridbackup-temp.XXXXXX";
  UniqueFd fd(::mkstemp(name.data()));
  if (!fd) return posix_error(fmt::format("cannot create a temporary file in {}", dir), errno);
  ::unlink(name.c_str());
  ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
  return fd;
}

}  // namespace portable

#if !defined(__linux__)

// macOS's xattr calls take an options argument and BSD's are extattr_*:
// until the core is built there, other systems store no extended attributes.
Result<Xattrs> read_xattrs(const std::string&) { return Xattrs{}; }
bool set_xattr(int, const std::string&, const std::string&) {
  errno = ENOTSUP;
  return false;
}
bool set_xattr_nofollow(const std::string&, const std::string&, const std::string&) {
  errno = ENOTSUP;
  return false;
}

UniqueFd open_for_reading(const std::string& path) { return portable::open_for_reading(path); }
void read_ahead(int, uint64_t, uint64_t) {}
bool copy_contents(int in, int out, uint64_t& copied) { return portable::copy_contents(in, out, copied); }
Result<UniqueFd> anonymous_temp_file(const std::string& dir) { return portable::anonymous_temp_file(dir); }
std::optional<std::string> pseudo_filesystem(const std::string&) { return std::nullopt; }

bool unmounted_subvolume(const std::string&) { return false; }

std::string path_in_dir(int dir_fd, const std::string& name) {
#if defined(F_GETPATH)
  char dir[PATH_MAX];
  if (::fcntl(dir_fd, F_GETPATH, dir) == 0) return std::string(dir) + "/" + name;
#endif
  (void)dir_fd;
  (void)name;
  return {};
}

std::string executable_path() { return {}; }

#endif  // !__linux__

}  // namespace gb::fs
