#include "core/index/link_index.h"

#include <fmt/format.h>

#include "core/index/index_object.h"

namespace gb {

Status LinkIndex::load(Backend& backend, const Hash& metadata_key) {
  GB_ASSIGN(auto loaded, load_index_objects(backend, metadata_key));
  for (const auto& [name, o] : loaded.objects) merge_object(o);
  return {};
}

uint32_t LinkIndex::intern_pack(const std::string& pack_id) {
  auto [it, inserted] = pack_ids_.try_emplace(pack_id, static_cast<uint32_t>(packs_.size()));
  if (inserted) packs_.push_back(pack_id);
  return it->second;
}

void LinkIndex::merge_object(const IndexObject& o) {
  std::lock_guard lock(mu_);
  for (const auto& [id, blobs] : o.packs) {
    uint32_t pack = intern_pack(id);
    for (const auto& b : blobs) blobs_.try_emplace(b.hash, BlobLocation{pack, b.type, b.offset, b.length, b.raw_length});
  }
  for (const auto& [content, segs] : o.links) segments_.try_emplace(content, segs);
  for (const auto& [content, sig] : o.signatures) signatures_.try_emplace(content, sig);
  for (const auto& [content, d] : o.deltas) deltas_.try_emplace(content, d);
}

void LinkIndex::merge_planned(const IndexObject& o, const std::unordered_set<Hash, HashHasher>& candidates) {
  std::unordered_set<Hash, HashHasher> doomed;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, blobs] : o.packs)
      for (const auto& b : blobs)
        if (candidates.count(b.hash) && !blobs_.count(b.hash)) doomed.insert(b.hash);  // no other copy so far
  }
  merge_object(o);
  std::lock_guard lock(mu_);
  doomed_.insert(doomed.begin(), doomed.end());
}

void LinkIndex::doom_blobs(const std::unordered_set<Hash, HashHasher>& candidates) {
  std::lock_guard lock(mu_);
  for (const auto& h : candidates)
    if (blobs_.count(h)) doomed_.insert(h);
}

void LinkIndex::doom_all() {
  std::lock_guard lock(mu_);
  for (const auto& [h, loc] : blobs_) doomed_.insert(h);
}

bool LinkIndex::has_blob(const Hash& hash) const {
  std::lock_guard lock(mu_);
  return blobs_.count(hash) && !doomed_.count(hash);
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
  for (const auto& b : blobs) {
    BlobLocation loc{pack, b.type, b.offset, b.length, b.raw_length};
    // A new copy of a doomed blob replaces the copy a prune will delete.
    if (doomed_.erase(b.hash))
      blobs_[b.hash] = loc;
    else
      blobs_.try_emplace(b.hash, loc);
  }
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
  IndexObject o;
  o.packs = packs;
  o.links = links;
  o.signatures = sigs;
  o.deltas = deltas;
  auto stored = store_index_object(backend, metadata_key, o);
  Status st = stored ? Status{} : Status{stored.error()};
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

PackCallbacks packs_into(LinkIndex& index) {
  return PackCallbacks{[&index](const Hash& blob) { return index.has_blob(blob); },
                       [&index](const std::string& pack_id, const std::vector<PackedBlob>& blobs) { index.add_pack(pack_id, blobs); }};
}

}  // namespace gb
