// AES-256-GCM sealing. A sealed box is nonce(12) || ciphertext || tag(16).
// Nonces are random per seal: convergence comes from the key (and the index
// lookup before upload), so no nonce is ever reused with a key.
#pragma once
#include <optional>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

constexpr size_t kAeadOverhead = 12 + 16;

// Appends the sealed box to `out`. Io when the random generator or the
// cipher cannot start (`out` is then as it was).
Status aead_seal(const Hash& key, ByteView plaintext, ByteView aad, Bytes& out);
// Returns nullopt when the box was altered, truncated or sealed with another key.
std::optional<Bytes> aead_open(const Hash& key, ByteView box, ByteView aad);

}  // namespace gb
