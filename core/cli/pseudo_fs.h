// Kernel pseudo-filesystems (proc, sysfs, cgroup, debugfs, tracefs, ...)
// hold no user data: their "files" are views of kernel state, some endless
// or blocking (`backup /proc` never finished). A backup root on one is
// skipped with one line (restic skips them too); the scanner never crosses
// into one below a root, since it stays on the root's filesystem.
#pragma once
#include <optional>
#include <string>

namespace gb {

// The pseudo-filesystem's name ("proc", "sysfs", ...) when `path` is on one.
std::optional<std::string> pseudo_filesystem(const std::string& path);

}  // namespace gb
