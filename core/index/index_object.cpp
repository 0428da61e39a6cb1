#include "core/index/index_object.h"

#include <unordered_set>

#include "core/common/serial.h"
#include "core/content/envelope.h"
#include "core/content/pack_format.h"
#include "core/crypto/sha256.h"

namespace gb {

Bytes encode_index_object(const IndexObject& o) {
  Writer w;
  if (o.supersedes.empty()) {
    w.varint(1);
  } else {
    w.varint(2);
    w.varint(o.supersedes.size());
    for (const auto& name : o.supersedes) w.str(name);
  }
  w.varint(o.packs.size());
  for (const auto& [id, blobs] : o.packs) {
    w.str(id);
    w.varint(blobs.size());
    for (const auto& b : blobs) encode_packed_blob(b, w);
  }
  w.varint(o.links.size());
  for (const auto& [content, segs] : o.links) {
    w.hash(content);
    w.varint(segs.size());
    for (const auto& s : segs) w.hash(s);
  }
  w.varint(o.signatures.size());
  for (const auto& [content, sig] : o.signatures) {
    w.hash(content);
    w.hash(sig);
  }
  w.varint(o.deltas.size());
  for (const auto& [content, d] : o.deltas) {
    w.hash(content);
    w.hash(d.base);
    w.varint(d.depth);
    w.varint(d.blobs.size());
    for (const auto& b : d.blobs) w.hash(b);
  }
  return w.take();
}

Result<IndexObject> decode_index_object(ByteView payload) {
  Reader r(payload);
  IndexObject o;
  uint64_t version = r.varint();
  if (version != 1 && version != 2) return make_error(ErrorKind::Corrupt, "index object has an unknown version");
  if (version == 2) {
    uint64_t n = r.varint();
    for (uint64_t i = 0; i < n && r.ok(); ++i) o.supersedes.push_back(r.str());
  }
  uint64_t npacks = r.varint();
  for (uint64_t p = 0; p < npacks && r.ok(); ++p) {
    std::string id = r.str();
    uint64_t n = r.varint();
    if (n > r.remaining()) r.fail();
    std::vector<PackedBlob> blobs;
    for (uint64_t i = 0; i < n && r.ok(); ++i) blobs.push_back(decode_packed_blob(r));
    o.packs.emplace_back(std::move(id), std::move(blobs));
  }
  uint64_t nlinks = r.varint();
  for (uint64_t l = 0; l < nlinks && r.ok(); ++l) {
    Hash content = r.hash();
    uint64_t n = r.varint();
    if (n > r.remaining()) r.fail();
    std::vector<Hash> segs;
    for (uint64_t i = 0; i < n && r.ok(); ++i) segs.push_back(r.hash());
    o.links.emplace_back(content, std::move(segs));
  }
  // Signature and delta sections follow; early version-1 objects end here.
  if (r.ok() && !r.at_end()) {
    uint64_t nsigs = r.varint();
    for (uint64_t i = 0; i < nsigs && r.ok(); ++i) {
      Hash content = r.hash();
      o.signatures.emplace_back(content, r.hash());
    }
    uint64_t ndeltas = r.varint();
    for (uint64_t i = 0; i < ndeltas && r.ok(); ++i) {
      Hash content = r.hash();
      DeltaLink d;
      d.base = r.hash();
      d.depth = static_cast<uint32_t>(r.varint());
      uint64_t n = r.varint();
      if (n > r.remaining()) r.fail();
      for (uint64_t k = 0; k < n && r.ok(); ++k) d.blobs.push_back(r.hash());
      o.deltas.emplace_back(content, std::move(d));
    }
  }
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "index object is truncated");
  return o;
}

Result<std::string> store_index_object(Backend& backend, const Hash& metadata_key, const IndexObject& o) {
  GB_ASSIGN(Bytes sealed, seal_envelope(metadata_key, EnvelopeKind::Index, encode_index_object(o)));
  std::string name = "index/" + to_hex(sha256(sealed));
  GB_CHECK(backend.put(name, sealed));
  return name;
}

Result<LoadedIndexObjects> load_index_objects(Backend& backend, const Hash& metadata_key, bool skip_damaged) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    GB_ASSIGN(auto listing, backend.list("index/"));
    LoadedIndexObjects out;
    bool vanished = false;
    for (const auto& obj : listing) {
      auto sealed = backend.get(obj.name);
      if (!sealed && sealed.error().kind == ErrorKind::NotFound) {
        vanished = true;  // a prune replaced it since the listing
        break;
      }
      if (!sealed) return sealed.error();
      auto payload = open_envelope(metadata_key, EnvelopeKind::Index, *sealed, "index object " + obj.name);
      Result<IndexObject> decoded = payload ? decode_index_object(*payload) : Result<IndexObject>(payload.error());
      if (!decoded) {
        Error e = payload ? make_error(ErrorKind::Corrupt, "index object " + obj.name + " is damaged: " + decoded.error().message) : payload.error();
        if (!skip_damaged || e.kind != ErrorKind::Corrupt) return e;
        out.damaged.push_back(e.message);
        continue;
      }
      out.objects.emplace_back(obj.name, std::move(decoded).value());
    }
    if (vanished) {
      if (attempt < kAttempts) continue;
      return make_error(ErrorKind::Transient, "the index kept changing while it was read (a prune is running); try again");
    }
    std::unordered_set<std::string> superseded;
    for (const auto& [name, o] : out.objects) superseded.insert(o.supersedes.begin(), o.supersedes.end());
    if (!superseded.empty()) {
      std::erase_if(out.objects, [&](const auto& entry) {
        if (!superseded.count(entry.first)) return false;
        out.superseded_present.push_back(entry.first);
        return true;
      });
    }
    return out;
  }
}

}  // namespace gb
