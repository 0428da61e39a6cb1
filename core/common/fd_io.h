// Whole-buffer writes to, and reads from, a file descriptor, retrying short
// transfers and EINTR.
#pragma once
#include <unistd.h>

#include <cerrno>

#include "core/common/bytes.h"

namespace gb {

// False (with errno set) when the write failed.
inline bool write_fully(int fd, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads up to `length` bytes at `offset`; fewer only at the end of the file.
// Returns the count, or -1 (errno set) when a read failed.
inline ssize_t pread_fully(int fd, uint8_t* buf, size_t length, off_t offset) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, buf + done, length - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

}  // namespace gb
