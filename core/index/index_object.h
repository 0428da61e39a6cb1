// One index object (index/<sha256>) decoded: what one backup, upload or
// prune added to the link index. Version 1 is what backups write; version 2
// (written by prune) also names the older index objects it replaces, so a
// reader that sees it ignores them even before prune has deleted them.
// Layout: docs/FORMAT.md, "Index object".
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/common/result.h"
#include "core/content/blob.h"
#include "core/index/link_index.h"

namespace gb {

struct IndexObject {
  std::vector<std::string> supersedes;                                 // names (index/<hex>) this object replaces; empty: version 1
  std::vector<std::pair<std::string, std::vector<PackedBlob>>> packs;  // pack id -> its blobs
  std::vector<std::pair<Hash, std::vector<Hash>>> links;               // content -> segments
  std::vector<std::pair<Hash, Hash>> signatures;                       // content -> signature blob
  std::vector<std::pair<Hash, DeltaLink>> deltas;                      // content -> delta
  bool empty() const { return packs.empty() && links.empty() && signatures.empty() && deltas.empty() && supersedes.empty(); }
};

Bytes encode_index_object(const IndexObject& o);
Result<IndexObject> decode_index_object(ByteView payload);

// Seals `o` and stores it as index/<sha256 of the sealed bytes>; returns the name.
Result<std::string> store_index_object(Backend& backend, const Hash& metadata_key, const IndexObject& o);

// Every index object's payload, read after one listing. `live` (optional)
// gets the names of objects no other object supersedes; the payloads of
// superseded ones are left out. An object that vanishes between the listing
// and its read (a concurrent prune replaced it) restarts the read from a new
// listing, so the result is always a consistent set.
struct LoadedIndexObjects {
  std::vector<std::pair<std::string, IndexObject>> objects;  // name -> decoded, superseded ones left out
  std::vector<std::string> superseded_present;               // superseded objects still stored
  std::vector<std::string> damaged;                          // with skip_damaged: "index/<hex> is damaged: why", left out
};
// With `skip_damaged` an object that does not open or decode is left out and
// named in `damaged` instead of failing the load (readers: one bad byte must
// not block every restore); without, it fails (prune must see every object).
Result<LoadedIndexObjects> load_index_objects(Backend& backend, const Hash& metadata_key, bool skip_damaged = false);

}  // namespace gb
