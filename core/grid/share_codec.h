// Shares: how one object becomes n stored shares and back (docs/FORMAT.md,
// "Grid shares").
//
// The object is cut into segments of k blocks; each segment is coded k-of-n,
// and share i is block i of every segment, after a header and a table of the
// SHA-256 of every block of every share. Shares 0..k-1 hold the object
// itself, so an object whose primary shares are all good is read back by
// copying, with no arithmetic at all. Every block is checked against the
// table before use: a damaged block is skipped (the segment is decoded from
// other shares), never decoded into garbage.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/grid/erasure_code.h"

namespace gb {

constexpr size_t kShareHeaderSize = 64;
// A block (one share's part of a segment) is at most this long: big enough
// for fast coding, small enough that a damaged byte costs one block only.
constexpr uint32_t kShareBlockSize = 256 * 1024;

// Where everything lives in the shares of an object of a given length.
struct ShareLayout {
  int k = 1, n = 1;
  uint32_t block_size = 0;  // block length in every segment but the last
  uint64_t object_length = 0;

  static ShareLayout for_object(int k, int n, uint64_t length, uint32_t max_block = kShareBlockSize);
  uint64_t segments() const;
  uint64_t segment_offset(uint64_t s) const { return s * static_cast<uint64_t>(k) * block_size; }
  uint64_t segment_length(uint64_t s) const;
  // ceil(segment length / k): the last segment's blocks are shorter.
  uint64_t block_length(uint64_t s) const;
  uint64_t table_size() const { return 32ull * n * segments(); }
  // Offset of segment s's block inside a share.
  uint64_t block_offset(uint64_t s) const { return kShareHeaderSize + table_size() + s * block_size; }
  uint64_t share_size() const;
};

// A share read back and checked against its own header and hash table.
struct Share {
  int index = 0;
  ShareLayout layout;
  Hash root{};                // same for every share of one stored version of the object
  Bytes bytes;                // the share as stored
  std::vector<uint8_t> good;  // per segment: 1 when the block matches its hash

  bool intact() const;
  uint64_t good_blocks() const;
  ByteView block(uint64_t s) const;
  ByteView table_entry(int share, uint64_t s) const;
};

// The n shares of an object; deterministic, so storing the same object twice
// gives the same shares. `block_size` 0 chooses the default layout; repair
// passes the stored layout's so regenerated shares match the survivors.
Result<std::vector<Bytes>> encode_shares(int k, int n, ByteView object, uint32_t block_size = 0);

// Parses a stored share and checks every block. Corrupt when the header or
// the hash table is damaged (then nothing in it can be trusted); otherwise
// `good` says which blocks can be used.
Result<Share> check_share(Bytes bytes);

struct AssembleStats {
  uint64_t segments = 0;
  uint64_t decoded_segments = 0;  // segments that needed Reed-Solomon decoding
};

// Rebuilds the object from shares of one version (equal roots; duplicates of
// an index are fine). Segments whose k primary blocks are good are copied;
// others are decoded from any k good blocks, and the rebuilt blocks are
// checked against the hash table. Corrupt when some segment lacks k good blocks.
Result<Bytes> assemble_object(std::span<const Share* const> shares, AssembleStats* stats = nullptr);

// Whether assemble_object would succeed: every segment has k good blocks.
bool decodable(std::span<const Share* const> shares);

}  // namespace gb
