#include "core/content/envelope.h"

#include <fmt/format.h>

#include "core/content/compress.h"
#include "core/crypto/aead.h"

namespace gb {

Result<Bytes> seal_envelope(const Hash& key, EnvelopeKind kind, ByteView payload) {
  Bytes out{'G', 'B', 'E', '1', static_cast<uint8_t>(kind)};
  Bytes header = out;
  GB_CHECK(aead_seal(key, compress(payload, 3), header, out));
  return out;
}

Result<Bytes> open_envelope(const Hash& key, EnvelopeKind kind, ByteView sealed, const std::string& what) {
  Bytes header{'G', 'B', 'E', '1', static_cast<uint8_t>(kind)};
  if (sealed.size() < header.size() || !std::equal(header.begin(), header.end(), sealed.begin()))
    return make_error(ErrorKind::Corrupt, fmt::format("{} is damaged: it does not start with the expected header", what));
  auto plain = aead_open(key, sealed.subspan(header.size()), header);
  if (!plain) return make_error(ErrorKind::Corrupt, fmt::format("{} is damaged: it fails authentication", what));
  auto payload = decompress(*plain);
  if (!payload) return make_error(ErrorKind::Corrupt, fmt::format("{} is damaged: {}", what, payload.error().message));
  return payload;
}

}  // namespace gb
