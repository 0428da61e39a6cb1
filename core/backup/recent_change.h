// When a read of a file cannot prove the file held still ("racy" files, as
// git calls them): the stat before and after a read only sees a change that
// moved size, mtime or ctime. Two changes escape it:
// - a write already in flight when the read starts: write() stamps mtime and
//   ctime first and copies the data after, so a read during the copy sees a
//   mix while both stats show the same stamp (what a 24 MiB file rewritten
//   by dd under load was stored as);
// - on a file system with coarse timestamps (a clock tick of 4-10 ms; ext4,
//   xfs, btrfs and tmpfs have fine-grained "multigrain" stamps since Linux
//   6.13, others do not), a write in the same tick as the last one.
// Both can only hide behind a stamp that is recent when the read starts, so
// a read is proof only if the file's last change is older than the read's
// start by more than kRecentChangeWindow; otherwise the reader waits that
// long and reads again, and accepts only two reads that agree.
#pragma once
#include <chrono>
#include <cstdint>

#include "core/common/clock.h"  // now_ns: the wall clock file timestamps come from
#include "core/fs/file_system.h"

namespace gb {

// 50 ms: five clock ticks at HZ=100 (the coarsest kernels), and long enough
// for a write() that stamped the file to finish copying its data even on a
// loaded machine (a preempted writer waits a few time slices of ~4 ms). It
// costs only files changed in the last 50 ms: one wait and one more read.
inline constexpr std::chrono::milliseconds kRecentChangeWindow{50};

// True when `info` was changed too close to `read_start_ns` for a read to be
// proof. By ctime, not mtime: every write stamps both, but only ctime always
// comes from the kernel's clock (mtime can be set to any time, e.g. a future
// one by an unpacked archive, which would cost every such file a second read).
inline bool changed_recently(const fs::FileInfo& info, int64_t read_start_ns) {
  const int64_t window = std::chrono::nanoseconds(kRecentChangeWindow).count();
  return info.ctime_ns > read_start_ns - window;
}

}  // namespace gb
