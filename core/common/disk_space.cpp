#include "core/common/disk_space.h"

#include <sys/statvfs.h>

namespace gb {

std::optional<uint64_t> free_disk_bytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

}  // namespace gb
