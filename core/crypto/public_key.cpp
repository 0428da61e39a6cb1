#include "core/crypto/public_key.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace gb {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// OpenSSL fails these only when out of memory or built without the curves:
// no input of ours can make them fail, so a failure is a broken library.
[[noreturn]] void broken(const char* what) { throw std::runtime_error(std::string("OpenSSL cannot ") + what); }

Pkey private_key(int type, const Hash& raw) {
  Pkey k(EVP_PKEY_new_raw_private_key(type, nullptr, raw.data(), raw.size()));
  if (!k) broken("make a key");
  return k;
}

Hash public_of(int type, const Hash& raw) {
  Pkey k = private_key(type, raw);
  Hash out;
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(k.get(), out.data(), &len) != 1 || len != out.size()) broken("export a public key");
  return out;
}

}  // namespace

Hash ed25519_public_key(const Hash& seed) { return public_of(EVP_PKEY_ED25519, seed); }
Hash x25519_public_key(const Hash& private_key) { return public_of(EVP_PKEY_X25519, private_key); }

Signature ed25519_sign(const Hash& seed, ByteView message) {
  Pkey k = private_key(EVP_PKEY_ED25519, seed);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Signature sig;
  size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != sig.size())
    broken("sign");
  return sig;
}

bool ed25519_verify(const Hash& public_key, ByteView message, const Signature& signature) {
  Pkey k(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  if (!k) return false;  // not a point on the curve: nothing it signed can verify
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1) broken("verify");
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
}

std::optional<Hash> x25519_shared(const Hash& private_key_raw, const Hash& their_public) {
  Pkey mine = private_key(EVP_PKEY_X25519, private_key_raw);
  Pkey theirs(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, their_public.data(), their_public.size()));
  if (!theirs) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(mine.get(), nullptr), EVP_PKEY_CTX_free);
  Hash out;
  size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), theirs.get()) != 1) return std::nullopt;
  // OpenSSL refuses a small-order peer here (all-zero secret): nullopt, as documented.
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != out.size()) return std::nullopt;
  return out;
}

}  // namespace gb
