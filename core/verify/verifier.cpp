#include "core/verify/verifier.h"

#include <fmt/format.h>
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/content/blob_seal.h"
#include "core/content/pack_format.h"
#include "core/crypto/sha256.h"
#include "core/repository/repository_lock.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

void check_snapshots(Repository& repo, VerifyReport& report) {
  SnapshotStore store(repo);
  auto listed = repo.backend().list("snapshots/");
  if (!listed) {
    report.problems.push_back("cannot list snapshots: " + listed.error().message);
    return;
  }
  // Forgotten snapshots are kept only as ancestors of kept ones (their logs);
  // their own content may be pruned, so only kept snapshots are checked.
  std::unordered_set<std::string> forgotten;
  if (auto f = store.forgotten_ids())
    forgotten.insert(f->begin(), f->end());
  else
    report.damaged_objects.push_back(f.error().message);
  for (const auto& obj : *listed) {
    if (forgotten.count(obj.name.substr(10))) {
      // Still checked as an object: a kept view may need its logs (chain()).
      if (auto snap = store.load(obj.name.substr(10)); !snap && snap.error().kind != ErrorKind::NotFound)
        report.damaged_objects.push_back(fmt::format("{} (forgotten): {}", obj.name, snap.error().message));
      continue;
    }
    auto snap = store.load(obj.name.substr(10));
    if (!snap) {
      report.damaged_objects.push_back(fmt::format("{}: {}", obj.name, snap.error().message));
      continue;
    }
    ++report.snapshots;
    auto logs = store.chain(*snap);
    if (!logs) {
      report.problems.push_back(fmt::format("snapshot {}: {}", snap->short_id(), logs.error().message));
      continue;
    }
    ViewReader view(repo, *logs);
    Entry e;
    uint64_t pending = 0;
    for (;;) {
      auto more = view.next(e);
      if (!more) {
        report.problems.push_back(fmt::format("snapshot {}: {}", snap->short_id(), more.error().message));
        break;
      }
      if (!*more) break;
      ++report.entries;
      if (e.type != NodeType::File || e.size == 0) continue;
      // Content the index does not know is still queued on the host that took
      // the snapshot; content the index knows but cannot deliver is damage,
      // which --read-data finds in the packs themselves.
      if (!repo.content_present(e.content, e.size)) ++pending;
    }
    if (pending) report.notes.push_back(fmt::format("snapshot {}: {} files not uploaded yet", snap->short_id(), pending));
  }
}

// One line per damaged pack, whatever is wrong with it (its name, its
// blobs); the hashes of its bad blobs go to `bad_blobs` (to name the files).
void read_pack(Repository& repo, const std::string& id, VerifyReport& report, std::unordered_set<Hash, HashHasher>& seen,
               std::unordered_set<Hash, HashHasher>& bad_blobs) {
  std::string name = pack_object_name(id);
  auto bytes = repo.backend().get(name);
  // A torn transfer can end short without an error from the backend: a pack
  // whose bytes do not match its name is read once more before it is damage.
  if (bytes && to_hex(sha256(*bytes)) != id)
    if (auto again = repo.backend().get(name)) bytes = std::move(again);
  if (!bytes) {
    report.damaged_objects.push_back(fmt::format("{}: cannot be read: {}", name, bytes.error().message));
    return;
  }
  ++report.packs_read;
  std::vector<std::string> wrong;
  if (to_hex(sha256(*bytes)) != id) wrong.push_back("its content does not match its name");
  auto header = read_pack_header(repo.keys().metadata, *bytes, id);
  if (!header) {
    wrong.push_back(header.error().message);
  } else {
    uint64_t bad = 0;
    for (const auto& b : *header) {
      ++report.blobs_checked;
      if (!seen.insert(b.hash).second) ++report.duplicate_blobs;
      if (b.offset + b.length > bytes->size() || !open_blob(repo.keys(), b.type, b.hash, ByteView(*bytes).subspan(b.offset, b.length))) {
        ++bad;
        bad_blobs.insert(b.hash);
      }
    }
    if (bad) wrong.push_back(fmt::format("{} of {} blobs fail authentication", bad, header->size()));
  }
  if (wrong.empty()) return;
  std::string line = name + ": " + wrong[0];
  for (size_t i = 1; i < wrong.size(); ++i) line += "; " + wrong[i];
  report.damaged_objects.push_back(line);
}

// Every blob a version's content is read from: its segments, or its delta
// blobs and its base's, as Repository::write_content reads them.
void content_blobs(Repository& repo, Hash content, std::vector<Hash>& out) {
  for (int guard = 0; guard < 1000; ++guard) {
    auto delta = repo.full_version_present(content) ? std::nullopt : repo.index().find_delta(content);
    if (!delta) {
      auto segs = repo.content_segments(content);
      out.insert(out.end(), segs.begin(), segs.end());
      return;
    }
    out.insert(out.end(), delta->blobs.begin(), delta->blobs.end());
    if (delta->base == kEmptyContent) return;
    content = delta->base;
  }
}

// Names the files of kept snapshots that need a damaged blob (at most a few per snapshot).
void name_damaged_files(Repository& repo, const std::unordered_set<Hash, HashHasher>& bad, VerifyReport& report) {
  SnapshotStore store(repo);
  auto kept = store.list();
  if (!kept) return;
  for (const auto& snap : *kept) {
    auto logs = store.chain(snap);
    if (!logs) continue;
    bool log_damaged = false;
    for (const auto& log : *logs)
      for (const Hash& h : log) log_damaged = log_damaged || bad.count(h) > 0;
    if (log_damaged) {
      report.damaged_files.push_back(fmt::format("snapshot {}: its backuplog (the list of its files) is damaged", snap.short_id()));
      continue;
    }
    ViewReader view(repo, *logs);
    Entry e;
    uint64_t hit = 0;
    std::vector<Hash> blobs;
    for (;;) {
      auto more = view.next(e);
      if (!more || !*more) break;
      if (e.type != NodeType::File || e.size == 0) continue;
      blobs.clear();
      content_blobs(repo, e.content, blobs);
      if (std::none_of(blobs.begin(), blobs.end(), [&](const Hash& h) { return bad.count(h) > 0; })) continue;
      if (++hit <= 10) report.damaged_files.push_back(fmt::format("snapshot {}: {}", snap.short_id(), e.path));
    }
    if (hit > 10) report.damaged_files.push_back(fmt::format("snapshot {}: and {} more files", snap.short_id(), hit - 10));
  }
}

// A pack id's first 32 bits: ids are SHA-256 of the pack's bytes, so they
// spread evenly and the same pack always falls in the same subset.
uint32_t id_prefix(const std::string& id) {
  uint32_t v = 0;
  for (size_t i = 0; i < 8 && i < id.size(); ++i) {
    char c = id[i];
    v = v << 4 | static_cast<uint32_t>(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
  }
  return v;
}

}  // namespace

std::vector<std::string> choose_data_subset(const std::vector<std::pair<std::string, uint64_t>>& packs, const DataSubset& subset) {
  auto sorted = packs;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> out;
  uint64_t total = 0;
  for (const auto& [id, size] : sorted) {
    bool take = true;
    switch (subset.kind) {
      case DataSubset::Kind::All:
        break;
      case DataSubset::Kind::Part:
        take = subset.m > 0 && id_prefix(id) % subset.m == subset.n - 1;
        break;
      case DataSubset::Kind::Percent:
        take = static_cast<double>(id_prefix(id)) < subset.percent / 100 * 4294967296.0;
        break;
      case DataSubset::Kind::Bytes:
        take = out.empty() || total < subset.bytes;
        break;
    }
    if (!take) continue;
    out.push_back(id);
    total += size;
  }
  return out;
}

Result<VerifyReport> run_verify(Repository& repo, const VerifyOptions& options, VerifyProgress& progress) {
  VerifyReport report;
  check_snapshots(repo, report);
  std::vector<std::string> garbage;
  if (auto locks = list_locks(repo.backend(), repo.keys().metadata, &garbage); !locks)
    report.problems.push_back("cannot list the locks: " + locks.error().message);
  for (const auto& name : garbage)
    report.damaged_objects.push_back(name + ": not a lock of this repository (damaged); 'gridbackup prune' removes it");
  if (options.read_data) {
    std::unordered_map<std::string, uint64_t> sizes;
    if (auto stored = repo.backend().list("data/"))
      for (const auto& o : *stored) sizes.emplace(o.name.substr(o.name.rfind('/') + 1), o.size);
    std::vector<std::pair<std::string, uint64_t>> indexed;
    for (const auto& id : repo.index().pack_names()) indexed.emplace_back(id, sizes.count(id) ? sizes[id] : 0);
    auto packs = choose_data_subset(indexed, options.subset);
    progress.total = packs.size();
    std::unordered_set<Hash, HashHasher> seen, bad_blobs;
    for (const auto& id : packs) {
      read_pack(repo, id, report, seen, bad_blobs);
      ++progress.done;
    }
    if (!bad_blobs.empty()) name_damaged_files(repo, bad_blobs, report);
  }
  // Packs no index object names: a killed run's (harmless), or the sign of a
  // missing index object, whose files then look "not uploaded yet".
  if (auto stored = repo.backend().list("data/")) {
    auto known = repo.index().pack_names();
    std::unordered_set<std::string> indexed(known.begin(), known.end());
    std::vector<std::string> unindexed;
    for (const auto& o : *stored)
      if (!indexed.count(o.name.substr(o.name.rfind('/') + 1))) unindexed.push_back(o.name);
    if (!unindexed.empty())
      report.notes.push_back(
          fmt::format("{} pack(s) no index object names (e.g. {}): a killed run's, or an index object is missing; "
                      "'gridbackup upload' re-indexes them from their own headers",
                      unindexed.size(), unindexed.front()));
  }
  return report;
}

}  // namespace gb
