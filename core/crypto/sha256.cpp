#include "core/crypto/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace gb {

// OpenSSL failing to allocate a context is running out of memory: that is
// std::bad_alloc, as for every allocation (main says "out of memory"); no
// other failure of hashing exists to report.
Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(ByteView data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }

Hash Sha256::finish() {
  Hash h;
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx_, h.data(), &len);
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  return h;
}

Hash sha256(ByteView data) {
  Hash h;
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), h.data(), &len, EVP_sha256(), nullptr);
  return h;
}

}  // namespace gb
