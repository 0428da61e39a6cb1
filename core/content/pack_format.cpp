#include "core/content/pack_format.h"

#include <cstring>

#include "core/common/serial.h"
#include "core/content/envelope.h"

namespace gb {

std::string pack_object_name(const std::string& pack_id) { return "data/" + pack_id.substr(0, 2) + "/" + pack_id; }

void encode_packed_blob(const PackedBlob& b, Writer& w) {
  w.u8(static_cast<uint8_t>(b.type));
  w.hash(b.hash);
  w.varint(b.offset);
  w.varint(b.length);
  w.varint(b.raw_length);
}

PackedBlob decode_packed_blob(Reader& r) {
  PackedBlob b;
  b.type = static_cast<BlobType>(r.u8());
  b.hash = r.hash();
  b.offset = r.varint();
  b.length = static_cast<uint32_t>(r.varint());
  b.raw_length = static_cast<uint32_t>(r.varint());
  return b;
}

Bytes encode_pack_header(const std::vector<PackedBlob>& blobs) {
  Writer w;
  w.varint(blobs.size());
  for (const auto& b : blobs) encode_packed_blob(b, w);
  return w.take();
}

Result<std::vector<PackedBlob>> decode_pack_header(ByteView payload) {
  Reader r(payload);
  uint64_t n = r.varint();
  std::vector<PackedBlob> out;
  if (n > payload.size()) return make_error(ErrorKind::Corrupt, "pack header count is impossible");
  out.reserve(n);
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.push_back(decode_packed_blob(r));
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "pack header is truncated");
  return out;
}

Result<std::vector<PackedBlob>> read_pack_header(const Hash& metadata_key, ByteView pack, const std::string& name) {
  if (pack.size() < 8 || std::memcmp(pack.data() + pack.size() - 4, "GBP1", 4) != 0)
    return make_error(ErrorKind::Corrupt, "pack " + name + " is damaged: its trailer is missing");
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len |= static_cast<uint32_t>(pack[pack.size() - 8 + i]) << (8 * i);
  if (len > pack.size() - 8) return make_error(ErrorKind::Corrupt, "pack " + name + " is damaged: bad header length");
  GB_ASSIGN(Bytes payload,
            open_envelope(metadata_key, EnvelopeKind::PackHeader, pack.subspan(pack.size() - 8 - len, len), "the header of pack " + name));
  return decode_pack_header(payload);
}

}  // namespace gb
