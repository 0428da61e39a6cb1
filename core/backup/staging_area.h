// The staging area for unstable files: a file that changes faster than it
// can be hashed and uploaded is copied aside (a copy takes milliseconds, and
// is itself checked for stability, so it is never torn) and the copy is
// backed up. The area is bounded: a file that does not fit is not staged.
#pragma once
#include <cstdint>
#include <string>

#include "core/common/result.h"
#include "core/snapshot/entry.h"

namespace gb {

class StagingArea {
 public:
  StagingArea(std::string dir, uint64_t limit_bytes) : dir_(std::move(dir)), limit_(limit_bytes) {}
  // Copies the file aside; returns the copy's path. `e` is refreshed with the
  // metadata the file had while it held still for the copy.
  Result<std::string> stage(Entry& e, int attempts = 5);
  // Removes a staged copy once it is stored.
  static void release(const std::string& staged_path);
  uint64_t used_bytes() const;

 private:
  std::string dir_;
  uint64_t limit_;
};

}  // namespace gb
