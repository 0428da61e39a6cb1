#include "core/delta/signature_builder.h"

namespace gb {

namespace {

// Block length. A signature costs 4 (weak sum) + 16 (strong sum) = 20 bytes
// per block, stored with every version; a delta against it costs, for each
// scattered 4 KiB write, every block the write touches sent as literal bytes:
// one block when writes are 4 KiB-aligned (database pages, VM images) and the
// block length is a power of two >= 4 KiB, at most two blocks otherwise.
//
//   block    signature per GiB   delta for 100 aligned 4 KiB writes
//   2 KiB    10 MiB              100 x 4 KiB  = 400 KiB
//   4 KiB     5 MiB              100 x 4 KiB  = 400 KiB
//   8 KiB    2.5 MiB             100 x 8 KiB  = 800 KiB
//   16 KiB   1.25 MiB            100 x 16 KiB = 1.6 MiB
//
// Signature plus delta per version of a 1 GiB file is smallest near 8-16 KiB
// (3.3 vs 2.85 MiB); 8 KiB keeps the delta, which a restore must fetch and
// apply for each link of the chain, at half the size for 17% more signature.
// Measured on a 1 GiB random file: signature 2,621,452 bytes; delta 820,407
// bytes for 100 aligned 4 KiB writes, 1,238,199 bytes for 100 unaligned ones.
// Smaller files get sqrt(size) rounded up to a power of two, at least 512 B:
// small files (signed from 4 KiB) are typically edited a few hundred bytes at
// a time, where a 512 B block keeps the delta near the edit's size (the bench
// with 1,000 small-file edits stores 4.5 MiB instead of 8.6 MiB with 2 KiB
// blocks). 8 KiB -> 512 B, 1 MiB -> 1 KiB, 4 MiB -> 2 KiB, 16 MiB -> 4 KiB,
// from 64 MiB on 8 KiB. So:
//
//   block_len = clamp(next_pow2(sqrt(size)), 512 B, 8 KiB),
//   then doubled until the file has at most 2^21 blocks.
//
// The cap bounds one signature to 40 MiB and DeltaBuilder's memory to about
// 95 MiB (measured: librsync holds ~45 bytes per block, full-size strong sum
// slots plus its hash table) for files beyond 16 GiB: a 64 GiB image gets 32 KiB blocks,
// 1 TiB gets 512 KiB, and their deltas grow in proportion.
constexpr size_t kMinBlock = 512;  // small files: a 256-byte edit costs one small block
constexpr size_t kSmallFileMaxBlock = 8192;
constexpr uint64_t kMaxBlocks = uint64_t{1} << 21;

// Strong sum length. A false match (a block of the new file taken for a
// different block of the base, giving a wrong restore that only the content
// hash check catches) needs the 32-bit weak sum and the strong sum to agree.
// Ignoring the weak sum entirely, a 1 TiB new file against 2^21 blocks tries
// at most 2^40 * 2^21 = 2^61 pairs, so 128 bits leave a chance below 2^-67.
// Someone who controls the content of both versions could plant a collision
// with a birthday search: ~2^64 BLAKE2 calls at 16 bytes, but only ~2^48 at
// 12 (librsync's minimum). 16 bytes instead of the full 32 saves 16 bytes per
// block (44% of the signature).
static_assert(SignatureBuilder::kStrongSumLength == 16);

constexpr size_t kOutputBuffer = 64 << 10;

}  // namespace

size_t SignatureBuilder::block_length_for(uint64_t file_size) {
  uint64_t block = kMinBlock;
  while (block < kSmallFileMaxBlock && block * block < file_size) block *= 2;
  while ((file_size + block - 1) / block > kMaxBlocks) block *= 2;
  return static_cast<size_t>(block);
}

SignatureBuilder::SignatureBuilder(uint64_t file_size)
    : block_len_(block_length_for(file_size)),
      job_(rs_sig_begin(block_len_, kStrongSumLength, RS_BLAKE2_SIG_MAGIC), "file signature", kOutputBuffer) {
  const uint64_t blocks = (file_size + block_len_ - 1) / block_len_;
  signature_.reserve(12 + blocks * (4 + kStrongSumLength));
}

void SignatureBuilder::update(ByteView data) {
  if (!status_) return;
  auto fed = job_.feed(data, false, append_to(signature_));
  if (!fed) status_ = fed.error();
}

Result<Bytes> SignatureBuilder::finish() {
  if (!status_) return status_.error();
  if (job_.done()) return make_error(ErrorKind::InvalidArgument, "The signature was already finished.");
  GB_CHECK(job_.feed({}, true, append_to(signature_)));
  return std::move(signature_);
}

}  // namespace gb
