#include "core/crypto/aead.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace gb {
namespace {
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
}  // namespace

Status aead_seal(const Hash& key, ByteView plaintext, ByteView aad, Bytes& out) {
  size_t start = out.size();
  out.resize(start + kAeadOverhead + plaintext.size());
  uint8_t* nonce = out.data() + start;
  uint8_t* ct = nonce + 12;
  auto failed = [&](const char* what) {
    out.resize(start);
    return make_error(ErrorKind::Io, what);
  };
  if (RAND_bytes(nonce, 12) != 1) return failed("the system random generator failed");
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1) return failed("AES-GCM initialisation failed");
  if (!aad.empty()) EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size()));
  // EVP lengths are int; feed large buffers in pieces.
  size_t done = 0;
  while (done < plaintext.size()) {
    int chunk = static_cast<int>(std::min<size_t>(plaintext.size() - done, 1 << 30));
    EVP_EncryptUpdate(ctx.get(), ct + done, &len, plaintext.data() + done, chunk);
    done += static_cast<size_t>(chunk);
  }
  EVP_EncryptFinal_ex(ctx.get(), ct + done, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, ct + plaintext.size());
  return {};
}

std::optional<Bytes> aead_open(const Hash& key, ByteView box, ByteView aad) {
  if (box.size() < kAeadOverhead) return std::nullopt;
  const uint8_t* nonce = box.data();
  const uint8_t* ct = nonce + 12;
  size_t ct_len = box.size() - kAeadOverhead;
  Bytes plain(ct_len);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1) return std::nullopt;
  if (!aad.empty()) EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size()));
  size_t done = 0;
  while (done < ct_len) {
    int chunk = static_cast<int>(std::min<size_t>(ct_len - done, 1 << 30));
    EVP_DecryptUpdate(ctx.get(), plain.data() + done, &len, ct + done, chunk);
    done += static_cast<size_t>(chunk);
  }
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(ct + ct_len));
  if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + done, &len) != 1) return std::nullopt;
  return plain;
}

}  // namespace gb
