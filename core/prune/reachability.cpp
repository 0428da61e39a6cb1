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
  for (const auto& [content, size] : contents) {
    if (auto sig = index.find_signature(content)) out.live_blobs.insert(*sig);
    auto delta = index.find_delta(content);
    if (!delta) {
      for (const Hash& seg : repo.content_segments(content)) out.live_blobs.insert(seg);
      continue;
    }
    // The base is marked as a content of its own when a kept view has it;
    // otherwise it would live on only as a base: re-base instead.
    if (delta->base == kEmptyContent || contents.count(delta->base))
      out.live_blobs.insert(delta->blobs.begin(), delta->blobs.end());
    else
      out.rebase.emplace_back(content, size);
  }
  return out;
}

}  // namespace gb
