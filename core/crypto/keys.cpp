#include "core/crypto/keys.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace gb {

Hash hmac_sha256(ByteView key, ByteView message) {
  Hash out;
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), out.data(), &len);
  return out;
}

Hash derive_key(const Hash& master, std::string_view purpose) {
  // HKDF with empty salt: PRK = HMAC(0^32, master); OKM = HMAC(PRK, info || 0x01).
  Hash zero{};
  Hash prk = hmac_sha256(zero, master);
  Bytes info(purpose.begin(), purpose.end());
  info.push_back(1);
  return hmac_sha256(prk, info);
}

Error random_generator_failed() { return make_error(ErrorKind::Io, "the system random generator failed"); }

Result<Bytes> random_bytes(size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) return random_generator_failed();
  return out;
}

Result<Hash> random_hash() {
  Hash h;
  if (RAND_bytes(h.data(), 32) != 1) return random_generator_failed();
  return h;
}

RepositoryKeys RepositoryKeys::from_master(const Hash& master) {
  return {derive_key(master, "gridbackup v1 metadata"), derive_key(master, "gridbackup v1 convergence")};
}

}  // namespace gb
