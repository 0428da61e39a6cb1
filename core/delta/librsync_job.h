// One librsync streaming job (signature, loadsig, delta or patch), driven with
// rs_job_iter over caller-supplied chunks. The three delta classes share it so
// the buffer loop, the error mapping and librsync's logging live in one place.
// Internal to core/delta.
#pragma once
#include <librsync.h>

#include <functional>
#include <memory>
#include <string>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

class LibrsyncJob {
 public:
  // Receives each piece of output as the job produces it.
  using Sink = std::function<Status(ByteView)>;

  // Takes ownership of `job`. `what` names the stream the job reads, for
  // error sentences ("the delta", "the signature"); malformed input is
  // reported as ErrorKind::Corrupt.
  LibrsyncJob(rs_job_t* job, std::string what, size_t output_buffer);

  // Feeds all of `input` to the job and hands every byte it produces to
  // `sink` (in pieces of at most the output buffer size, so memory stays
  // bounded however much output one chunk causes). With `eof`, the input ends
  // here and the job runs to its end. Returns true once the job has finished;
  // input left over after the job's end is an error. A failed sink call stops
  // the job and returns the sink's error.
  Result<bool> feed(ByteView input, bool eof, const Sink& sink);

  bool done() const { return done_; }
  const rs_stats_t& stats() const { return *rs_job_statistics(job_.get()); }

  // The sentence for a failed librsync call about `what`, with librsync's own
  // detail when it logged one.
  static Error error(rs_result r, const std::string& what);

 private:
  struct Free {
    void operator()(rs_job_t* j) const { rs_job_free(j); }
  };
  std::unique_ptr<rs_job_t, Free> job_;
  std::string what_;
  Bytes out_;
  bool done_ = false;
};

// A sink that appends to `out`.
inline LibrsyncJob::Sink append_to(Bytes& out) {
  return [&out](ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status{};
  };
}

}  // namespace gb
