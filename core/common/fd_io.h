// Whole-buffer writes to a file descriptor, retrying short writes and EINTR.
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

}  // namespace gb
