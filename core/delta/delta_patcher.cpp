#include "core/delta/delta_patcher.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include "core/common/posix_error.h"

namespace gb {

namespace {

constexpr size_t kOutputBuffer = 1 << 20;

Status write_all(int fd, ByteView data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("could not write the patched file", errno);
    data = data.subspan(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

DeltaPatcher::DeltaPatcher(int base_fd, int out_fd)
    : base_(std::make_unique<Base>(Base{base_fd})),
      out_fd_(out_fd),
      job_(rs_patch_begin(&DeltaPatcher::copy_from_base, base_.get()), "delta", kOutputBuffer) {}

// librsync asks for up to *len bytes of the base at pos, to be placed in *buf
// (which points into its output buffer, with room for *len). Returning fewer
// bytes is allowed; it asks again for the rest.
rs_result DeltaPatcher::copy_from_base(void* opaque, rs_long_t pos, size_t* len, void** buf) {
  auto* base = static_cast<Base*>(opaque);
  if (pos < 0) {
    base->failure = make_error(ErrorKind::Corrupt, "The delta is damaged (it copies from a negative offset).");
    base->failed = true;
    return RS_CORRUPT;
  }
  for (;;) {
    ssize_t n = ::pread(base->fd, *buf, *len, static_cast<off_t>(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      base->failure = posix_error("could not read the delta's base file", errno);
      base->failed = true;
      return RS_IO_ERROR;
    }
    if (n == 0 && *len > 0) {
      // The base is a regular file, so this is its end: a delta made against
      // a different (longer) base, or a damaged one.
      base->failure = make_error(ErrorKind::Corrupt, "The delta is damaged or belongs to another base (it copies past the base's end).");
      base->failed = true;
      return RS_CORRUPT;
    }
    *len = static_cast<size_t>(n);
    return RS_DONE;
  }
}

Status DeltaPatcher::feed(ByteView chunk, bool eof) {
  if (!status_) return status_;
  auto fed = job_.feed(chunk, eof, [this](ByteView out) { return write_all(out_fd_, out); });
  if (!fed) status_ = base_->failed ? base_->failure : fed.error();
  return status_;
}

Status DeltaPatcher::update(ByteView delta_chunk) { return feed(delta_chunk, false); }

Status DeltaPatcher::finish() { return feed({}, true); }

}  // namespace gb
