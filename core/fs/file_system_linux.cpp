// Linux's side of the file-system boundary (file_system.h): O_NOATIME and
// posix_fadvise for backup reads, sendfile for copies, O_TMPFILE for
// nameless temp files, the l*xattr calls, statfs magic numbers for the
// pseudo-filesystems, and /proc/self for paths through descriptors.
#if defined(__linux__)
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/common/posix_error.h"
#include "core/fs/file_system.h"

namespace gb::fs {

Result<Xattrs> read_xattrs(const std::string& path) {
  Xattrs out;
  std::vector<char> names(1024);
  ssize_t n;
  for (;;) {
    n = ::llistxattr(path.c_str(), names.data(), names.size());
    if (n >= 0) break;
    if (errno == ERANGE) {
      names.resize(names.size() * 4);
      continue;
    }
    if (errno == ENOTSUP || errno == ENODATA) return out;  // a file system without xattrs
    return posix_error("cannot list extended attributes", errno).about_path(path);
  }
  for (ssize_t i = 0; i < n;) {
    std::string name(names.data() + i);
    i += static_cast<ssize_t>(name.size()) + 1;
    std::string value(256, '\0');
    for (;;) {
      ssize_t v = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
      if (v >= 0) {
        value.resize(static_cast<size_t>(v));
        break;
      }
      if (errno == ERANGE) {
        value.resize(value.size() * 16);
        continue;
      }
      if (errno == ENODATA) break;  // removed while we looked
      return posix_error("cannot read extended attribute " + name, errno).about_path(path);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool set_xattr(int fd, const std::string& name, const std::string& value) {
  return ::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) == 0;
}

bool set_xattr_nofollow(const std::string& path, const std::string& name, const std::string& value) {
  return ::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) == 0;
}

UniqueFd open_for_reading(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME));
  if (!fd && errno == EPERM) return portable::open_for_reading(path);  // O_NOATIME needs ownership
  // Read once, front to back: a larger read-ahead, and no need to keep the pages.
  if (fd) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return fd;
}

void read_ahead(int fd, uint64_t offset, uint64_t length) {
  ::posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_WILLNEED);
}

bool copy_contents(int in, int out, uint64_t& copied) {
  copied = 0;
  for (;;) {  // in the kernel: no copy through user space
    ssize_t n = ::sendfile(out, in, nullptr, 1 << 30);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    copied += static_cast<uint64_t>(n);
  }
}

Result<UniqueFd> anonymous_temp_file(const std::string& dir) {
  // O_TMPFILE: the file never has a name, so nothing is left behind even by
  // a killed process.
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) return posix_error(fmt::format("cannot create a temporary file in {}", dir), errno);
  return fd;
}

bool unmounted_subvolume(const std::string& path) {
  // A subvolume's root directory is inode 256 (BTRFS_FIRST_FREE_OBJECTID) of
  // its own device; STATX_ATTR_MOUNT_ROOT (Linux 5.8) tells a mount point.
  struct statfs sf;
  struct statx stx;
  if (::statfs(path.c_str(), &sf) != 0 || static_cast<unsigned long>(sf.f_type) != BTRFS_SUPER_MAGIC) return false;
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_TYPE, &stx) != 0 || !S_ISDIR(stx.stx_mode) || stx.stx_ino != 256)
    return false;
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

std::optional<std::string> pseudo_filesystem(const std::string& path) {
  struct statfs st;
  if (::statfs(path.c_str(), &st) != 0) return std::nullopt;  // the scan says why it cannot be read
  // tmpfs and devtmpfs are not here: they hold real files and device nodes.
  switch (static_cast<unsigned long>(st.f_type)) {
    case PROC_SUPER_MAGIC:
      return "proc";
    case SYSFS_MAGIC:
      return "sysfs";
    case DEBUGFS_MAGIC:
      return "debugfs";
    case TRACEFS_MAGIC:
      return "tracefs";
    case SECURITYFS_MAGIC:
      return "securityfs";
    case CGROUP_SUPER_MAGIC:
      return "cgroup";
    case CGROUP2_SUPER_MAGIC:
      return "cgroup2";
    case PSTOREFS_MAGIC:
      return "pstore";
    case EFIVARFS_MAGIC:
      return "efivarfs";
    case SELINUX_MAGIC:
      return "selinuxfs";
    case SMACK_MAGIC:
      return "smackfs";
    case BINFMTFS_MAGIC:
      return "binfmt_misc";
    case DEVPTS_SUPER_MAGIC:
      return "devpts";
    case NSFS_MAGIC:
      return "nsfs";
    case BPF_FS_MAGIC:
      return "bpf";
    case 0x62656570:
      return "configfs";  // CONFIGFS_MAGIC, not in <linux/magic.h>
    case 0x65735543:
      return "fusectl";  // FUSE_CTL_SUPER_MAGIC, likewise
    case 0x19800202:
      return "mqueue";  // MQUEUE_MAGIC, likewise
    default:
      return std::nullopt;
  }
}

std::string path_in_dir(int dir_fd, const std::string& name) { return fmt::format("/proc/self/fd/{}/{}", dir_fd, name); }

std::string executable_path() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  return n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string();
}

}  // namespace gb::fs
#endif  // __linux__
