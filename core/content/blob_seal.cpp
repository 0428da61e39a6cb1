#include "core/content/blob_seal.h"

#include <cstring>

#include "core/content/compress.h"
#include "core/crypto/aead.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {
Bytes blob_aad(BlobType type, const Hash& hash) {
  Bytes aad(5 + hash.size());
  std::memcpy(aad.data(), "GBB1", 4);
  aad[4] = static_cast<uint8_t>(type);
  std::memcpy(aad.data() + 5, hash.data(), hash.size());
  return aad;
}
}  // namespace

Status seal_blob(const RepositoryKeys& keys, BlobType type, const Hash& hash, ByteView plaintext, int level, Bytes& out) {
  return aead_seal(keys.content_key(hash), compress(plaintext, level), blob_aad(type, hash), out);
}

Result<Bytes> open_blob(const RepositoryKeys& keys, BlobType type, const Hash& hash, ByteView box) {
  auto opened = aead_open(keys.content_key(hash), box, blob_aad(type, hash));
  if (!opened) return make_error(ErrorKind::Corrupt, "it fails authentication");
  GB_ASSIGN(Bytes plain, decompress(*opened));
  if (sha256(plain) != hash) return make_error(ErrorKind::Corrupt, "its content does not match its hash");
  return plain;
}

}  // namespace gb
