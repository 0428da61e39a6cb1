// The clocks, in nanoseconds as int64 (the unit of every stored time).
#pragma once
#include <chrono>
#include <cstdint>

namespace gb {

// Wall-clock time since the Unix epoch: what is stored and compared across processes.
inline int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// A clock that never steps back, for timeouts within one process.
inline int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace gb
