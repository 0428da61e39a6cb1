// A pack is one stored object holding many sealed blobs, so that tens of
// thousands of small files become a few large objects (fewer fsyncs locally,
// fewer requests remotely). Layout (docs/FORMAT.md):
//   blob box | blob box | ... | header envelope | u32le header length | "GBP1"
// The header lists each blob's type, hash and range, sealed with the metadata
// key, so the index can be rebuilt from the packs alone. A pack is named by
// the SHA-256 of its bytes: data/<first 2 hex>/<64 hex>.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/common/serial.h"
#include "core/content/blob.h"

namespace gb {

std::string pack_object_name(const std::string& pack_id);
// One blob's entry, as both pack headers and index objects store it.
void encode_packed_blob(const PackedBlob& b, Writer& w);
PackedBlob decode_packed_blob(Reader& r);
Bytes encode_pack_header(const std::vector<PackedBlob>& blobs);
Result<std::vector<PackedBlob>> decode_pack_header(ByteView payload);
// Reads the blob list from a whole pack's bytes.
Result<std::vector<PackedBlob>> read_pack_header(const Hash& metadata_key, ByteView pack, const std::string& name);

}  // namespace gb
