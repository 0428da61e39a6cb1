#include "core/prune/reachability.h"

#include <unordered_map>

#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

Result<std::unordered_set<std::string>> needed_snapshot_ids(Repository& repo, const std::vector<Snapshot>& kept) {
  SnapshotStore store(repo);
  std::unordered_set<std::string> needed;
  for (const Snapshot& s : kept) {
    Snapshot cur = s;
    needed.insert(cur.id);
    // depth bounds the walk, as in SnapshotStore::chain.
    for (uint64_t guard = 0; !cur.checkpoint && !cur.parent.empty() && guard <= s.depth; ++guard) {
      if (!needed.insert(cur.parent).second) break;  // the rest of this chain is known already
      GB_ASSIGN(cur, store.load(cur.parent));
    }
  }
  return needed;
}

Result<Reachability> find_reachable(Repository& repo, const std::vector<Snapshot>& kept, const std::function<void(size_t)>& progress) {
  Reachability out;
  SnapshotStore store(repo);
  // Every file content of every kept view, with its size (for re-basing).
  std::unordered_map<Hash, uint64_t, HashHasher> contents;
  for (size_t i = 0; i < kept.size(); ++i) {
    GB_ASSIGN(auto logs, store.chain(kept[i]));
    for (const auto& log : logs) out.live_blobs.insert(log.begin(), log.end());
    ViewReader view(repo, logs);
    Entry e;
    for (;;) {
      GB_ASSIGN(bool more, view.next(e));
      if (!more) break;
      if (e.type == NodeType::File && e.size > 0 && e.content != kEmptyContent) contents.try_emplace(e.content, e.size);
    }
    if (progress) progress(i + 1);
  }
  GB_ASSIGN(out.needed_snapshots, needed_snapshot_ids(repo, kept));
  const LinkIndex& index = repo.index();
  out.live_contents = contents.size();
  // A version's own blobs, then its base's, down to a version stored in
  // full or one a kept view has (marked on its own).
  std::unordered_set<Hash, HashHasher> bases_seen;
  auto mark_version = [&](Hash version) {
    for (int guard = 0; guard < 1000; ++guard) {  // chains are capped; a damaged index must not loop
      // A version stored in full needs no base (Repository::content_present).
      auto delta = repo.full_version_present(version) ? std::nullopt : index.find_delta(version);
      if (!delta) {
        for (const Hash& seg : repo.content_segments(version)) out.live_blobs.insert(seg);
        return;
      }
      out.live_blobs.insert(delta->blobs.begin(), delta->blobs.end());
      if (delta->base == kEmptyContent || contents.count(delta->base) || !bases_seen.insert(delta->base).second) return;
      version = delta->base;
    }
  };
  for (const auto& [content, size] : contents) {
    if (auto sig = index.find_signature(content)) out.live_blobs.insert(*sig);
    mark_version(content);
    // A base no kept view has lives on only as a base: re-base. Until the
    // sweep has stored the version in full the base stays live, so the
    // version stays readable; the next mark finds the base unused.
    auto delta = repo.full_version_present(content) ? std::nullopt : index.find_delta(content);
    if (delta && delta->base != kEmptyContent && !contents.count(delta->base)) out.rebase.emplace_back(content, size);
  }
  return out;
}

}  // namespace gb
