#include "core/verify/verifier.h"

#include <fmt/format.h>
#include <unordered_set>

#include "core/content/blob_seal.h"
#include "core/content/pack_format.h"
#include "core/crypto/sha256.h"
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
    if (forgotten.count(obj.name.substr(10))) continue;
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

void read_pack(Repository& repo, const std::string& id, VerifyReport& report, std::unordered_set<Hash, HashHasher>& seen) {
  std::string name = pack_object_name(id);
  auto bytes = repo.backend().get(name);
  if (!bytes) {
    report.damaged_objects.push_back(fmt::format("{}: cannot be read: {}", name, bytes.error().message));
    return;
  }
  ++report.packs_read;
  if (to_hex(sha256(*bytes)) != id) report.damaged_objects.push_back(fmt::format("{}: its content does not match its name", name));
  auto header = read_pack_header(repo.keys().metadata, *bytes, id);
  if (!header) {
    report.damaged_objects.push_back(fmt::format("{}: {}", name, header.error().message));
    return;
  }
  uint64_t bad = 0;
  for (const auto& b : *header) {
    ++report.blobs_checked;
    if (!seen.insert(b.hash).second) ++report.duplicate_blobs;
    if (b.offset + b.length > bytes->size() ||
        !open_blob(repo.keys(), b.type, b.hash, ByteView(*bytes).subspan(b.offset, b.length)))
      ++bad;
  }
  if (bad) report.damaged_objects.push_back(fmt::format("{}: {} of {} blobs fail authentication", name, bad, header->size()));
}

}  // namespace

Result<VerifyReport> run_verify(Repository& repo, const VerifyOptions& options, VerifyProgress& progress) {
  VerifyReport report;
  check_snapshots(repo, report);
  if (options.read_data) {
    auto packs = repo.index().pack_names();
    progress.total = packs.size();
    std::unordered_set<Hash, HashHasher> seen;
    for (const auto& id : packs) {
      read_pack(repo, id, report, seen);
      ++progress.done;
    }
  }
  return report;
}

}  // namespace gb
