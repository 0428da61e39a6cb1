#include "core/delta/delta_builder.h"

#include <algorithm>

namespace gb {

namespace {

// librsync copies every byte it is given into its own look-ahead buffer before
// scanning, so a large chunk is fed in slices to keep that buffer small.
constexpr size_t kFeedSlice = 256 << 10;
constexpr size_t kOutputBuffer = 64 << 10;
constexpr size_t kHeaderSize = 12;  // magic, block length, strong sum length

uint32_t read_be32(ByteView b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | uint32_t{b[at + 3]};
}

// librsync reads a signature that ends part-way through a block as if it
// ended cleanly, and accepts any magic it knows; check the shape first.
Status check_shape(ByteView sig) {
  const Error damaged = make_error(ErrorKind::Corrupt, "The file signature is damaged (bad header or truncated).");
  if (sig.size() < kHeaderSize) return damaged;
  const uint32_t magic = read_be32(sig, 0);
  if (magic != RS_BLAKE2_SIG_MAGIC && magic != RS_RK_BLAKE2_SIG_MAGIC) return damaged;
  const uint32_t block_len = read_be32(sig, 4);
  const uint32_t strong_len = read_be32(sig, 8);
  if (block_len == 0 || block_len > (1u << 30) || strong_len == 0 || strong_len > RS_MAX_STRONG_SUM_LENGTH) {
    return damaged;
  }
  if ((sig.size() - kHeaderSize) % (4 + strong_len) != 0) return damaged;
  return {};
}

}  // namespace

DeltaBuilder::DeltaBuilder(std::unique_ptr<rs_signature_t, FreeSignature> sig, rs_job_t* job)
    : signature_(std::move(sig)), job_(job, "new file", kOutputBuffer) {}

Result<DeltaBuilder> DeltaBuilder::from_signature(ByteView signature) {
  GB_CHECK(check_shape(signature));
  rs_signature_t* raw = nullptr;
  LibrsyncJob load(rs_loadsig_begin(&raw), "file signature", 4096);
  std::unique_ptr<rs_signature_t, FreeSignature> sig(raw);
  auto no_output = [](ByteView) { return Status{}; };
  // Fed in slices like everything else: loadsig keeps only the parsed sums.
  for (size_t at = 0; at < signature.size(); at += kFeedSlice) {
    GB_CHECK(load.feed(signature.subspan(at, std::min(kFeedSlice, signature.size() - at)), false, no_output));
  }
  GB_ASSIGN(bool done, load.feed({}, true, no_output));
  if (!done) return make_error(ErrorKind::Corrupt, "The file signature ends before it is complete.");
  if (rs_result r = rs_build_hash_table(sig.get()); r != RS_DONE) return LibrsyncJob::error(r, "file signature");
  rs_job_t* job = rs_delta_begin(sig.get());
  return DeltaBuilder(std::move(sig), job);
}

Status DeltaBuilder::feed(ByteView data, bool eof, Bytes& delta_out) {
  if (!status_) return status_;
  auto sink = append_to(delta_out);
  Status st;
  for (size_t at = 0; at < data.size() && st; at += kFeedSlice) {
    auto fed = job_.feed(data.subspan(at, std::min(kFeedSlice, data.size() - at)), false, sink);
    if (!fed) st = fed.error();
  }
  if (st && eof) {
    auto fed = job_.feed({}, true, sink);
    if (!fed) st = fed.error();
  }
  if (!st) status_ = st;
  return st;
}

Status DeltaBuilder::update(ByteView new_data, Bytes& delta_out) {
  if (job_.done()) return make_error(ErrorKind::InvalidArgument, "The delta was already finished.");
  return feed(new_data, false, delta_out);
}

Status DeltaBuilder::finish(Bytes& delta_out) {
  if (job_.done()) return make_error(ErrorKind::InvalidArgument, "The delta was already finished.");
  return feed({}, true, delta_out);
}

}  // namespace gb
