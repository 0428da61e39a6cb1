// Keyed primitives and key derivation. Every key a repository uses is derived
// from the one 256-bit master secret carried by the root cap.
#pragma once
#include <string_view>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

Hash hmac_sha256(ByteView key, ByteView message);
// HKDF-SHA256 (RFC 5869) with an empty salt: one 32-byte key per purpose label.
Hash derive_key(const Hash& master, std::string_view purpose);
// From the system's random generator; Io if it fails (no entropy source).
Result<Bytes> random_bytes(size_t n);
Result<Hash> random_hash();

// The keys of one repository.
struct RepositoryKeys {
  Hash metadata;     // config, index, snapshots, pack headers
  Hash convergence;  // content key = HMAC(convergence, content hash)
  static RepositoryKeys from_master(const Hash& master);
  Hash content_key(const Hash& content_hash) const { return hmac_sha256(convergence, content_hash); }
};

}  // namespace gb
