#include "core/index/link_index.h"

#include <fmt/format.h>

#include "core/common/serial.h"
#include "core/content/pack_format.h"
#include "core/crypto/sha256.h"
#include "core/repository/envelope.h"

namespace gb {

Status LinkIndex::load(Backend& backend, const Hash& metadata_key) {
  GB_ASSIGN(auto objects, backend.list("index/"));
  for (const auto& obj : objects) {
    GB_ASSIGN(Bytes sealed, backend.get(obj.name));
    GB_ASSIGN(Bytes payload, open_envelope(metadata_key, EnvelopeKind::Index, sealed, "index object " + obj.name));
    GB_CHECK(merge_object(payload));
  }
  return {};
}

uint32_t LinkIndex::intern_pack(const std::string& pack_id) {
  auto [it, inserted] = pack_ids_.try_emplace(pack_id, static_cast<uint32_t>(packs_.size()));
  if (inserted) packs_.push_back(pack_id);
  return it->second;
}

Status LinkIndex::merge_object(ByteView payload) {
  Reader r(payload);
  if (r.varint() != 1) return make_error(ErrorKind::Corrupt, "index object has an unknown version");
  std::lock_guard lock(mu_);
  uint64_t npacks = r.varint();
  for (uint64_t p = 0; p < npacks && r.ok(); ++p) {
    uint32_t pack = intern_pack(r.str());
    uint64_t n = r.varint();
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      PackedBlob b = decode_packed_blob(r);
      blobs_.try_emplace(b.hash, BlobLocation{pack, b.type, b.offset, b.length, b.raw_length});
    }
  }
  uint64_t nlinks = r.varint();
  for (uint64_t l = 0; l < nlinks && r.ok(); ++l) {
    Hash content = r.hash();
    uint64_t n = r.varint();
    std::vector<Hash> segs;
    for (uint64_t i = 0; i < n && r.ok(); ++i) segs.push_back(r.hash());
    segments_.try_emplace(content, std::move(segs));
  }
  // Signature and delta sections follow; index objects without them end here.
  if (r.ok() && !r.at_end()) {
    uint64_t nsigs = r.varint();
    for (uint64_t i = 0; i < nsigs && r.ok(); ++i) {
      Hash content = r.hash();
      signatures_.try_emplace(content, r.hash());
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
      deltas_.try_emplace(content, std::move(d));
    }
  }
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "index object is truncated");
  return {};
}

std::optional<BlobLocation> LinkIndex::find_blob(const Hash& hash) const {
  std::lock_guard lock(mu_);
  auto it = blobs_.find(hash);
  if (it == blobs_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::vector<Hash>> LinkIndex::find_segments(const Hash& content) const {
  std::lock_guard lock(mu_);
  auto it = segments_.find(content);
  if (it == segments_.end()) return std::nullopt;
  return it->second;
}

std::optional<Hash> LinkIndex::find_signature(const Hash& content) const {
  std::lock_guard lock(mu_);
  auto it = signatures_.find(content);
  if (it == signatures_.end()) return std::nullopt;
  return it->second;
}

std::optional<DeltaLink> LinkIndex::find_delta(const Hash& content) const {
  std::lock_guard lock(mu_);
  auto it = deltas_.find(content);
  if (it == deltas_.end()) return std::nullopt;
  return it->second;
}

void LinkIndex::add_signature(const Hash& content, const Hash& signature_blob) {
  std::lock_guard lock(mu_);
  if (signatures_.try_emplace(content, signature_blob).second) pending_signatures_.emplace_back(content, signature_blob);
}

void LinkIndex::add_delta(const Hash& content, DeltaLink link) {
  std::lock_guard lock(mu_);
  if (deltas_.try_emplace(content, link).second) pending_deltas_.emplace_back(content, std::move(link));
}

std::string LinkIndex::pack_name(uint32_t pack) const {
  std::lock_guard lock(mu_);
  return packs_.at(pack);
}

std::vector<std::string> LinkIndex::pack_names() const {
  std::lock_guard lock(mu_);
  return packs_;
}

size_t LinkIndex::blob_count() const {
  std::lock_guard lock(mu_);
  return blobs_.size();
}

void LinkIndex::add_pack(const std::string& pack_id, const std::vector<PackedBlob>& blobs) {
  std::lock_guard lock(mu_);
  uint32_t pack = intern_pack(pack_id);
  for (const auto& b : blobs) blobs_.try_emplace(b.hash, BlobLocation{pack, b.type, b.offset, b.length, b.raw_length});
  pending_packs_.emplace_back(pack_id, blobs);
}

void LinkIndex::add_segments(const Hash& content, std::vector<Hash> segments) {
  std::lock_guard lock(mu_);
  if (segments_.try_emplace(content, segments).second) pending_segments_.emplace_back(content, std::move(segments));
}

Status LinkIndex::flush(Backend& backend, const Hash& metadata_key) {
  std::vector<std::pair<std::string, std::vector<PackedBlob>>> packs;
  std::vector<std::pair<Hash, std::vector<Hash>>> links;
  std::vector<std::pair<Hash, Hash>> sigs;
  std::vector<std::pair<Hash, DeltaLink>> deltas;
  {
    std::lock_guard lock(mu_);
    packs.swap(pending_packs_);
    links.swap(pending_segments_);
    sigs.swap(pending_signatures_);
    deltas.swap(pending_deltas_);
  }
  if (packs.empty() && links.empty() && sigs.empty() && deltas.empty()) return {};
  Writer w;
  w.varint(1);
  w.varint(packs.size());
  for (const auto& [id, blobs] : packs) {
    w.str(id);
    w.varint(blobs.size());
    for (const auto& b : blobs) encode_packed_blob(b, w);
  }
  w.varint(links.size());
  for (const auto& [content, segs] : links) {
    w.hash(content);
    w.varint(segs.size());
    for (const auto& s : segs) w.hash(s);
  }
  w.varint(sigs.size());
  for (const auto& [content, sig] : sigs) {
    w.hash(content);
    w.hash(sig);
  }
  w.varint(deltas.size());
  for (const auto& [content, d] : deltas) {
    w.hash(content);
    w.hash(d.base);
    w.varint(d.depth);
    w.varint(d.blobs.size());
    for (const auto& b : d.blobs) w.hash(b);
  }
  Bytes sealed = seal_envelope(metadata_key, EnvelopeKind::Index, w.buffer());
  std::string name = "index/" + to_hex(sha256(sealed));
  Status st = backend.put(name, sealed);
  if (!st) {
    // Keep the entries pending so a later flush can still record them.
    std::lock_guard lock(mu_);
    pending_packs_.insert(pending_packs_.end(), packs.begin(), packs.end());
    pending_segments_.insert(pending_segments_.end(), links.begin(), links.end());
    pending_signatures_.insert(pending_signatures_.end(), sigs.begin(), sigs.end());
    pending_deltas_.insert(pending_deltas_.end(), deltas.begin(), deltas.end());
    return st;
  }
  return {};
}

}  // namespace gb
