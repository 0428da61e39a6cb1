// Public-key primitives for attenuated caps (docs/FORMAT.md, "Attenuated
// caps"): Ed25519 signatures (snapshots, certificates) and X25519 key
// agreement (sealing snapshot keys to the read cap), both from OpenSSL's EVP.
// Private keys are 32-byte seeds derived with HKDF, so every cap's key pair
// follows from its secret and nothing random needs storing.
#pragma once
#include <array>
#include <optional>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

using Signature = std::array<uint8_t, 64>;

// The public key of an Ed25519 seed, and of an X25519 private key.
Hash ed25519_public_key(const Hash& seed);
Hash x25519_public_key(const Hash& private_key);
Signature ed25519_sign(const Hash& seed, ByteView message);
bool ed25519_verify(const Hash& public_key, ByteView message, const Signature& signature);
// The X25519 shared secret of our private key and their public key; nullopt
// for a public key of small order (an all-zero result, RFC 7748 section 6.1).
std::optional<Hash> x25519_shared(const Hash& private_key, const Hash& their_public);

}  // namespace gb
