// Blobs are the unit of stored content: a file segment, a chunk of a
// backuplog. Each is identified by the SHA-256 of its plaintext and sealed
// with its convergent key, so equal content from any host is stored once.
#pragma once
#include <cstdint>

#include "core/common/bytes.h"

namespace gb {

enum class BlobType : uint8_t { Data = 0, Log = 1, Signature = 2, Delta = 3 };

// Where a blob lives: inside a pack object, at a byte range.
struct BlobLocation {
  uint32_t pack = 0;  // index into LinkIndex::pack_names()
  BlobType type = BlobType::Data;
  uint64_t offset = 0;
  uint32_t length = 0;      // sealed length in the pack
  uint32_t raw_length = 0;  // plaintext length
};

struct PackedBlob {
  BlobType type;
  Hash hash;
  uint64_t offset;
  uint32_t length;
  uint32_t raw_length;
};

}  // namespace gb
