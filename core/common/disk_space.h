// Free space on the file system that holds a directory, as an unprivileged
// process may use it (statvfs f_bavail): what the state databases check
// before they open and what the health judges the state disk by.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace gb {

// None when the directory cannot be asked (missing, no permission).
std::optional<uint64_t> free_disk_bytes(const std::string& dir);

}  // namespace gb
