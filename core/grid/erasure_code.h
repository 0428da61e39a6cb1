// ErasureCode: a systematic k-of-n Reed-Solomon code over GF(2^8), computed
// by ISA-L. Blocks 0..k-1 are the data itself (the "primary" blocks: reading
// them back needs no arithmetic at all); blocks k..n-1 are parity. Any k of
// the n blocks rebuild the data.
//
// The generator is ISA-L's Cauchy matrix (identity on top, 1/(i+j) below):
// every k x k submatrix of it is invertible, so every choice of k surviving
// blocks decodes; a Vandermonde matrix does not promise that.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "core/common/result.h"

namespace gb {

class ErasureCode {
 public:
  // The largest n: decoding patterns are kept as 64-bit masks, and a friends'
  // grid has far fewer members.
  static constexpr int kMaxShares = 64;

  // The code for k data blocks out of n (1 <= k <= n <= kMaxShares); codes are
  // shared and cached, so this is cheap after the first call for a (k, n).
  static Result<std::shared_ptr<const ErasureCode>> get(int k, int n);

  int k() const { return k_; }
  int n() const { return n_; }

  // Writes the n-k parity blocks of `len` bytes each, computed from the k data blocks.
  void encode(const uint8_t* const* data, uint8_t* const* parity, size_t len) const;

  // Rebuilds data blocks from k available blocks. `have` lists k distinct
  // block indices (any of 0..n-1) whose bytes are `have_blocks`; `wanted`
  // lists data block indices (0..k-1) to rebuild into `out`.
  // Fails (InvalidArgument) only for a malformed request.
  Status decode(std::span<const int> have, const uint8_t* const* have_blocks, std::span<const int> wanted, uint8_t* const* out, size_t len) const;

  ErasureCode(int k, int n);
  ~ErasureCode();
  ErasureCode(const ErasureCode&) = delete;
  ErasureCode& operator=(const ErasureCode&) = delete;

 private:
  struct DecodeTables;
  std::shared_ptr<const DecodeTables> decode_tables(uint64_t have_mask, std::span<const int> have, std::span<const int> wanted) const;
  int k_, n_;
  std::unique_ptr<uint8_t[]> matrix_;         // n x k generator
  std::unique_ptr<uint8_t[]> encode_tables_;  // ISA-L tables of the parity rows
  struct Cache;
  std::unique_ptr<Cache> cache_;  // decode tables per erasure pattern
};

}  // namespace gb
