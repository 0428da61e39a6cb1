#include "core/delta/librsync_job.h"

#include <mutex>
#include <string_view>

namespace gb {

namespace {

// librsync logs to stderr by default. We report its failures as Error values,
// so its log goes to a per-thread note instead: the first error message since
// the current feed() began, which then becomes the detail of our sentence.
// Jobs run on the calling thread, so thread_local keeps concurrent jobs apart.
thread_local std::string first_log_error;

void capture_log(rs_loglevel, char const* msg) {
  if (!first_log_error.empty()) return;
  std::string_view m(msg);
  // "librsync: ERROR: (rs_patch_s_copy) invalid length=0 on COPY command\n"
  if (auto paren = m.find(") "); paren != std::string_view::npos) m.remove_prefix(paren + 2);
  // "patch job failed: unexpected end of input"
  if (auto failed = m.find(" job failed: "); failed != std::string_view::npos) m.remove_prefix(failed + 13);
  while (!m.empty() && (m.back() == '\n' || m.back() == '.')) m.remove_suffix(1);
  first_log_error.assign(m.substr(0, 200));
}

void install_log_capture() {
  static std::once_flag once;
  std::call_once(once, [] {
    rs_trace_set_level(RS_LOG_ERR);
    rs_trace_to(capture_log);
  });
}

}  // namespace

LibrsyncJob::LibrsyncJob(rs_job_t* job, std::string what, size_t output_buffer) : job_(job), what_(std::move(what)), out_(output_buffer) {
  install_log_capture();
}

Error LibrsyncJob::error(rs_result r, const std::string& what) {
  std::string detail = first_log_error.empty() ? rs_strerror(r) : first_log_error;
  switch (r) {
    case RS_MEM_ERROR:
      return make_error(ErrorKind::Io, "Out of memory while processing " + what + ".");
    case RS_INTERNAL_ERROR:
    case RS_PARAM_ERROR:
    case RS_UNIMPLEMENTED:
      // Also what librsync says for a nonsensical header (for example a
      // signature's strong sum length), so still a problem with the input.
      return make_error(ErrorKind::Corrupt, "Could not process " + what + " (librsync: " + detail + ").");
    default:
      return make_error(ErrorKind::Corrupt, "The " + what + " is damaged (librsync: " + detail + ").");
  }
}

Result<bool> LibrsyncJob::feed(ByteView input, bool eof, const Sink& sink) {
  if (done_) {
    if (input.empty()) return true;
    return make_error(ErrorKind::Corrupt, "The " + what_ + " has data after its end.");
  }
  first_log_error.clear();
  rs_buffers_t buf{};
  // librsync never writes through next_in; the API just lacks the const.
  buf.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(input.data()));
  buf.avail_in = input.size();
  buf.eof_in = eof;
  for (;;) {
    buf.next_out = reinterpret_cast<char*>(out_.data());
    buf.avail_out = out_.size();
    const size_t in_before = buf.avail_in;
    const rs_result r = rs_job_iter(job_.get(), &buf);
    const size_t produced = out_.size() - buf.avail_out;
    if (produced > 0) GB_CHECK(sink(ByteView(out_.data(), produced)));
    if (r == RS_DONE) {
      done_ = true;
      if (buf.avail_in > 0) return make_error(ErrorKind::Corrupt, "The " + what_ + " has data after its end.");
      return true;
    }
    if (r != RS_BLOCKED) return error(r, what_);
    const bool output_full = buf.avail_out == 0;
    // Blocked with room to spare and nothing left to give: it wants more input.
    if (!eof && buf.avail_in == 0 && !output_full) return false;
    // Guard against a job that neither reads nor writes (it would spin here).
    if (produced == 0 && buf.avail_in == in_before) {
      return make_error(ErrorKind::Corrupt, "The " + what_ + " ends before it is complete.");
    }
  }
}

}  // namespace gb
