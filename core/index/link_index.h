// The link index maps a content hash to how to fetch it: where each blob
// lives (pack + range) and, for files larger than one segment, the list of
// segment hashes that make up the file. It lives in the repository as
// append-only index objects (index/<sha256>), each holding what one backup
// added; loading reads them all. Thread-safe: uploader threads record packs
// while the scanner looks hashes up.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/common/result.h"
#include "core/content/blob.h"
#include "core/content/packer.h"
#include "core/crypto/keys.h"
#include "core/storage/backend.h"

namespace gb {

struct IndexObject;

// A version stored as a librsync delta against an earlier version (its base).
struct DeltaLink {
  Hash base{};
  uint32_t depth = 1;       // deltas between this version and a fully stored one
  std::vector<Hash> blobs;  // the delta, in order
};

class LinkIndex {
 public:
  // Reads every index object in the repository.
  Status load(Backend& backend, const Hash& metadata_key);

  std::optional<BlobLocation> find_blob(const Hash& hash) const;
  // Whether new content may refer to the blob: stored, and not doomed by a
  // pending prune (a doomed blob still reads, see merge_planned).
  bool has_blob(const Hash& hash) const;
  // Segments of a multi-segment file; nullopt means the content is one blob.
  std::optional<std::vector<Hash>> find_segments(const Hash& content) const;
  std::optional<Hash> find_signature(const Hash& content) const;
  std::optional<DeltaLink> find_delta(const Hash& content) const;
  std::string pack_name(uint32_t pack) const;
  std::vector<std::string> pack_names() const;
  size_t blob_count() const;

  // Recording new content (kept pending until flush).
  void add_pack(const std::string& pack_id, const std::vector<PackedBlob>& blobs);
  void add_segments(const Hash& content, std::vector<Hash> segments);
  void add_signature(const Hash& content, const Hash& signature_blob);
  void add_delta(const Hash& content, DeltaLink link);
  // Merges one decoded index object (first location of a blob wins).
  void merge_object(const IndexObject& o);
  // Merges an object a pending prune read when it planned: its copies of
  // the plan's candidates are doomed: they still read (a snapshot committed
  // meanwhile may need them, and the sweep keeps what a snapshot needs) but
  // count as absent, so nothing stored from now on refers to them. Merge
  // these after every other object: a copy stored since stays usable.
  void merge_planned(const IndexObject& o, const std::unordered_set<Hash, HashHasher>& candidates);
  // Dooms these blobs where they are now (a plan taken in later).
  void doom_blobs(const std::unordered_set<Hash, HashHasher>& candidates);
  // Dooms every blob known now (the index cannot be trusted for storing:
  // Repository::load_index); copies added later are usable.
  void doom_all();
  // Writes everything added since the last flush as one new index object.
  Status flush(Backend& backend, const Hash& metadata_key);

 private:
  uint32_t intern_pack(const std::string& pack_id);

  mutable std::mutex mu_;
  std::vector<std::string> packs_;
  std::unordered_map<std::string, uint32_t> pack_ids_;
  std::unordered_map<Hash, BlobLocation, HashHasher> blobs_;
  std::unordered_set<Hash, HashHasher> doomed_;  // see merge_planned
  std::unordered_map<Hash, std::vector<Hash>, HashHasher> segments_;
  std::unordered_map<Hash, Hash, HashHasher> signatures_;
  std::unordered_map<Hash, DeltaLink, HashHasher> deltas_;
  std::vector<std::pair<Hash, Hash>> pending_signatures_;
  std::vector<std::pair<Hash, DeltaLink>> pending_deltas_;
  // What the next flush writes.
  std::vector<std::pair<std::string, std::vector<PackedBlob>>> pending_packs_;
  std::vector<std::pair<Hash, std::vector<Hash>>> pending_segments_;
};

// The packer's callbacks for an index: blobs it has are known, and each
// stored pack is added to it (to be written at its next flush).
PackCallbacks packs_into(LinkIndex& index);

}  // namespace gb
