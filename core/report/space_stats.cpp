#include "core/report/space_stats.h"

#include <unordered_set>

#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

using HashSet = std::unordered_set<Hash, HashHasher>;

// The blobs one version of a file needs: its segments, or its delta blobs
// and its base's, down to a version stored in full (as restore reads them,
// Repository::write_content).
void version_blobs(Repository& repo, Hash version, HashSet& blobs) {
  const LinkIndex& index = repo.index();
  for (int guard = 0; guard < 1000; ++guard) {  // chains are capped; a damaged index must not loop
    auto delta = repo.full_version_present(version) ? std::nullopt : index.find_delta(version);
    if (!delta) {
      for (const Hash& seg : repo.content_segments(version)) blobs.insert(seg);
      return;
    }
    blobs.insert(delta->blobs.begin(), delta->blobs.end());
    if (delta->base == kEmptyContent) return;
    version = delta->base;
  }
}

// Adds the sizes of `blobs` (those the index knows) to the figures.
void add_blob_sizes(const LinkIndex& index, const HashSet& blobs, SpaceFigures& f) {
  for (const Hash& h : blobs) {
    auto loc = index.find_blob(h);
    if (!loc) continue;  // missing: verify reports it; nothing is stored for it
    ++f.blobs;
    f.raw_bytes += loc->raw_length;
    f.stored_bytes += loc->length;
  }
}

uint64_t sealed_bytes(const LinkIndex& index, const HashSet& blobs) {
  uint64_t n = 0;
  for (const Hash& h : blobs)
    if (auto loc = index.find_blob(h)) n += loc->length;
  return n;
}

}  // namespace

Result<RepositoryStats> compute_space_stats(Repository& repo, const std::vector<Snapshot>& snapshots, const std::function<void(size_t)>& progress) {
  RepositoryStats out;
  SnapshotStore store(repo);
  const LinkIndex& index = repo.index();
  HashSet all_contents, all_blobs, all_metadata;
  for (size_t i = 0; i < snapshots.size(); ++i) {
    const Snapshot& s = snapshots[i];
    SnapshotSpace space{s, {}};
    SpaceFigures& f = space.figures;
    GB_ASSIGN(auto logs, store.chain(s));
    HashSet contents, metadata;
    for (const auto& log : logs) metadata.insert(log.begin(), log.end());
    std::unordered_set<uint64_t> inodes_seen;  // hard-link groups already counted
    ViewReader view(repo, logs);
    Entry e;
    for (;;) {
      GB_ASSIGN(bool more, view.next(e));
      if (!more) break;
      if (e.type != NodeType::File) continue;
      if (e.hardlink_id && !inodes_seen.insert(e.hardlink_id).second) continue;
      ++f.files;
      f.logical_bytes += e.size;
      if (e.size > 0 && e.content != kEmptyContent) contents.insert(e.content);
    }
    HashSet blobs;
    for (const Hash& c : contents) {
      version_blobs(repo, c, blobs);
      if (auto sig = index.find_signature(c)) metadata.insert(*sig);
    }
    f.contents = contents.size();
    add_blob_sizes(index, blobs, f);
    f.metadata_bytes = sealed_bytes(index, metadata);
    out.total.files += f.files;
    out.total.logical_bytes += f.logical_bytes;
    all_contents.insert(contents.begin(), contents.end());
    all_blobs.insert(blobs.begin(), blobs.end());
    all_metadata.insert(metadata.begin(), metadata.end());
    out.snapshots.push_back(std::move(space));
    if (progress) progress(i + 1);
  }
  out.total.contents = all_contents.size();
  add_blob_sizes(index, all_blobs, out.total);
  out.total.metadata_bytes = sealed_bytes(index, all_metadata);
  GB_ASSIGN(auto objects, repo.backend().list(""));
  for (const auto& o : objects) {
    // Locks come and go with the processes at work (this one's too): not what is stored.
    if (o.name.rfind("locks/", 0) == 0) continue;
    ++out.objects;
    out.repository_bytes += o.size;
  }
  return out;
}

}  // namespace gb
