// Rebuilds a new version of a file from its base and a librsync delta that
// arrives in chunks. The base is read with pread where the delta says so;
// the output is written sequentially with write() at out_fd's offset.
// Memory: fixed buffers (about 1 MiB), whatever the file or chunk sizes.
//
// librsync deltas carry no checksum: a delta applied to the wrong base, or a
// damaged delta that still parses, yields wrong bytes without an error. The
// caller checks the output against the content hash.
#pragma once
#include <memory>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/delta/librsync_job.h"

namespace gb {

class DeltaPatcher {
 public:
  // `base_fd`: a regular file open for reading (only pread is used, so its
  // offset is untouched). `out_fd`: open for writing. Neither is closed.
  DeltaPatcher(int base_fd, int out_fd);

  // Applies the next chunk of the delta. A damaged delta (bad header,
  // unknown command, a copy past the end of the base, data after the end)
  // gives ErrorKind::Corrupt; failing reads or writes give ErrorKind::Io.
  // After an error the output holds a partial file and must be discarded.
  Status update(ByteView delta_chunk);

  // Ends the delta; an error if it was cut short. Call once.
  Status finish();

 private:
  struct Base {
    int fd;
    Error failure{};  // set when the copy callback fails
    bool failed = false;
  };
  static rs_result copy_from_base(void* opaque, rs_long_t pos, size_t* len, void** buf);
  Status feed(ByteView chunk, bool eof);

  std::unique_ptr<Base> base_;  // the job points at it, so it must not move
  int out_fd_;
  LibrsyncJob job_;
  Status status_;
};

}  // namespace gb
