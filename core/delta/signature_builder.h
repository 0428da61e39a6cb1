// Computes the librsync signature of a file while the file is read once, in
// chunks of any size. The signature is what the next version's delta is
// computed against (see DeltaBuilder). Memory: one block plus the signature
// itself (20 bytes per block, at most 40 MiB; see block_length_for).
#pragma once
#include <cstdint>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/delta/librsync_job.h"

namespace gb {

class SignatureBuilder {
 public:
  // BLAKE2 strong sums truncated to 16 bytes; see signature_builder.cpp.
  static constexpr size_t kStrongSumLength = 16;

  // `file_size` only chooses the block length; update() may see any number
  // of bytes in the end (a file that grew while read still gets a signature).
  explicit SignatureBuilder(uint64_t file_size);

  // The block length used for a file of `file_size` bytes (a power of two,
  // 2 KiB to 8 KiB up to 16 GiB files, larger beyond).
  static size_t block_length_for(uint64_t file_size);

  // Adds the next bytes of the file. Chunk boundaries do not matter: the
  // signature is the same however the file is cut.
  void update(ByteView data);

  // The signature bytes (librsync's BLAKE2 signature format). Call once.
  Result<Bytes> finish();

  size_t block_length() const { return block_len_; }

 private:
  size_t block_len_;
  Bytes signature_;
  LibrsyncJob job_;
  Status status_;
};

}  // namespace gb
