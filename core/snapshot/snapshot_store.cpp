#include "core/snapshot/snapshot_store.h"

#include <fmt/format.h>
#include <algorithm>
#include <unordered_set>

#include "core/common/clock.h"
#include "core/common/serial.h"
#include "core/content/envelope.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {

const std::string kSnapshotsPrefix = "snapshots/";
const std::string kForgottenPrefix = "forgotten/";

}  // namespace

Result<Snapshot> SnapshotStore::load(const std::string& id) {
  std::string name = kSnapshotsPrefix + id;
  auto sealed = repo_.backend().get(name);
  if (!sealed) {
    if (sealed.error().kind == ErrorKind::NotFound) return make_error(ErrorKind::NotFound, fmt::format("snapshot {} does not exist", id));
    return sealed.error();
  }
  if (to_hex(sha256(*sealed)) != id)
    return make_error(ErrorKind::Corrupt, fmt::format("snapshot object {} is damaged: its content does not match its name", name))
        .about_object(name)
        .because(Cause::Damaged);
  GB_ASSIGN(Bytes payload, open_envelope(repo_.keys().metadata, EnvelopeKind::Snapshot, *sealed, "snapshot object " + name));
  auto s = decode_snapshot(payload);
  if (!s)
    return make_error(ErrorKind::Corrupt, fmt::format("snapshot object {} is damaged: {}", name, s.error().message))
        .about_object(name)
        .because(Cause::Damaged);
  s->id = id;
  return s;
}

Result<std::vector<Snapshot>> SnapshotStore::list() {
  GB_ASSIGN(auto objects, repo_.backend().list(kSnapshotsPrefix));
  GB_ASSIGN(auto forgotten, forgotten_ids());
  std::unordered_set<std::string> gone(forgotten.begin(), forgotten.end());
  std::vector<Snapshot> out;
  for (const auto& o : objects) {
    std::string id = o.name.substr(kSnapshotsPrefix.size());
    if (gone.count(id)) continue;
    auto s = load(id);
    if (!s && s.error().kind == ErrorKind::NotFound) continue;  // a prune deleted it since the listing
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(),
            [](const Snapshot& a, const Snapshot& b) { return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.id < b.id; });
  return out;
}

Result<Snapshot> SnapshotStore::resolve(const std::string& ref) {
  if (ref.empty()) return make_error(ErrorKind::InvalidArgument, "no snapshot was named");
  if (ref != "latest" && (ref.size() < 4 || ref.find_first_not_of("0123456789abcdef") != std::string::npos))
    return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a snapshot id (use 'latest' or at least 4 hex digits of an id)", ref));
  if (ref.size() == 64) {
    GB_ASSIGN(bool forgotten, is_forgotten(ref));
    if (forgotten) return make_error(ErrorKind::NotFound, fmt::format("snapshot {} was forgotten", ref.substr(0, 8)));
    return load(ref);
  }
  GB_ASSIGN(auto all, list());
  if (all.empty()) return make_error(ErrorKind::NotFound, "the repository has no snapshots yet");
  if (ref == "latest") return all.back();
  std::vector<Snapshot> hits;
  for (auto& s : all)
    if (s.id.rfind(ref, 0) == 0) hits.push_back(s);
  if (hits.empty()) return make_error(ErrorKind::NotFound, fmt::format("no snapshot has an id starting with '{}'", ref));
  if (hits.size() > 1) return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' matches {} snapshots; give more digits", ref, hits.size()));
  return hits.front();
}

Status SnapshotStore::save(Snapshot& s) {
  GB_ASSIGN(Bytes sealed, seal_envelope(repo_.keys().metadata, EnvelopeKind::Snapshot, encode_snapshot(s)));
  s.id = to_hex(sha256(sealed));
  return repo_.backend().put(kSnapshotsPrefix + s.id, sealed);
}

Status SnapshotStore::forget(const Snapshot& s) {
  auto id = hash_from_hex(s.id);
  if (!id) return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a snapshot id", s.id));
  // The payload names the snapshot too: a tombstone copied to another name
  // would otherwise hide a snapshot nobody forgot.
  Writer w;
  w.varint(1);  // format version
  w.svarint(now_ns());
  w.hash(*id);
  GB_ASSIGN(Bytes sealed, seal_envelope(repo_.keys().metadata, EnvelopeKind::Tombstone, w.buffer()));
  return repo_.backend().put(kForgottenPrefix + s.id, sealed);
}

Result<Snapshot> SnapshotStore::retag(const Snapshot& s, std::vector<std::string> tags) {
  Snapshot copy = s;
  copy.tags = std::move(tags);
  GB_CHECK(save(copy));
  GB_CHECK(forget(s));
  return copy;
}

Status SnapshotStore::check_tombstone(const std::string& id, ByteView sealed) {
  std::string name = kForgottenPrefix + id;
  GB_ASSIGN(Bytes payload, open_envelope(repo_.keys().metadata, EnvelopeKind::Tombstone, sealed, "tombstone " + name));
  Reader r(payload);
  uint64_t version = r.varint();
  r.svarint();  // when it was forgotten: for people, not needed here
  ByteView named = r.raw(32);
  if (!r.ok() || version != 1 || !r.at_end() || to_hex(named) != id)
    return make_error(ErrorKind::Corrupt, fmt::format("tombstone {} is damaged: it does not name snapshot {}", name, id.substr(0, 8)));
  return {};
}

Result<std::vector<std::string>> SnapshotStore::forgotten_ids() {
  GB_ASSIGN(auto objects, repo_.backend().list(kForgottenPrefix));
  std::vector<std::string> out;
  for (const auto& o : objects) {
    std::string id = o.name.substr(kForgottenPrefix.size());
    auto sealed = repo_.backend().get(o.name);
    // Gone since the listing: a prune deleted the snapshot, then this tombstone.
    if (!sealed && sealed.error().kind == ErrorKind::NotFound) {
      out.push_back(std::move(id));
      continue;
    }
    if (!sealed) return sealed.error();
    GB_CHECK(check_tombstone(id, *sealed));
    out.push_back(std::move(id));
  }
  return out;
}

Result<bool> SnapshotStore::is_forgotten(const std::string& id) {
  auto sealed = repo_.backend().get(kForgottenPrefix + id);
  if (!sealed) {
    if (sealed.error().kind == ErrorKind::NotFound) return false;
    return sealed.error();
  }
  GB_CHECK(check_tombstone(id, *sealed));
  return true;
}

Result<std::vector<std::vector<Hash>>> SnapshotStore::chain(const Snapshot& s) {
  std::vector<std::vector<Hash>> logs{s.log_blobs};
  Snapshot cur = s;
  // depth bounds the walk, so a damaged parent link cannot loop forever.
  for (uint64_t guard = 0; !cur.checkpoint; ++guard) {
    if (cur.parent.empty() || guard > s.depth)
      return make_error(ErrorKind::Corrupt, fmt::format("snapshot {} has a broken parent chain", s.short_id()));
    auto parent = load(cur.parent);
    if (!parent)
      return make_error(parent.error().kind == ErrorKind::NotFound ? ErrorKind::Corrupt : parent.error().kind,
                        fmt::format("snapshot {} needs its parent {}: {}", s.short_id(), cur.parent.substr(0, 8), parent.error().message));
    cur = std::move(parent).value();
    logs.push_back(cur.log_blobs);
  }
  std::reverse(logs.begin(), logs.end());
  return logs;
}

}  // namespace gb
