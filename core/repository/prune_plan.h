// The prune plan (prune/plan): prune's first phase writes what it found
// unreferenced; a later prune deletes it, after a grace period and after
// every process that was at work when the plan was made has finished. From
// the moment the plan is stored, every process that loads the index treats
// its blobs as absent (LinkIndex::merge_planned) and so never starts to refer
// to them again. Format: docs/FORMAT.md, "Prune".
#pragma once
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/common/result.h"
#include "core/crypto/keys.h"
#include "core/storage/backend.h"

namespace gb {

struct PrunePlan {
  int64_t created_ns = 0;
  std::unordered_set<Hash, HashHasher> candidates;  // blobs no kept snapshot needed when the plan was made
  std::vector<std::string> index_objects;           // the index objects read then: their copies of candidates go
  std::vector<std::string> unindexed_packs;         // packs no index named (a killed run's, never adopted)
  std::vector<std::string> locks_at_creation;       // shared locks to outlive before deleting
  // Written by the sweep just before it replaces the index: packs about to
  // be deleted. Adoption of unindexed packs skips them.
  std::vector<std::string> condemned_packs;
};

inline constexpr char kPrunePlanObject[] = "prune/plan";

Bytes encode_prune_plan(const PrunePlan& p);
Result<PrunePlan> decode_prune_plan(ByteView payload);
// nullopt when there is no plan.
Result<std::optional<PrunePlan>> load_prune_plan(Backend& backend, const Hash& metadata_key);
Status store_prune_plan(Backend& backend, const Hash& metadata_key, const PrunePlan& p);

}  // namespace gb
