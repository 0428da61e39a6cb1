#include "core/snapshot/snapshot.h"

#include "core/common/serial.h"

namespace gb {

Bytes encode_snapshot(const Snapshot& s) {
  Writer w;
  w.varint(1);  // format version
  w.svarint(s.time_ns);
  w.str(s.hostname);
  w.str(s.username);
  w.varint(s.paths.size());
  for (const auto& p : s.paths) w.str(p);
  w.varint(s.excludes.size());
  for (const auto& p : s.excludes) w.str(p);
  w.str(s.parent);
  w.u8(s.checkpoint ? 1 : 0);
  w.varint(s.depth);
  w.varint(s.log_blobs.size());
  for (const auto& h : s.log_blobs) w.hash(h);
  const SnapshotStats& t = s.stats;
  for (uint64_t v : {t.files, t.dirs, t.others, t.bytes, t.changed_entries, t.files_read, t.bytes_read, t.bytes_stored, t.errors}) w.varint(v);
  // Tags trail the payload, present only when there are some: binaries from
  // before tags stop reading after the stats, so they still list a tagged
  // snapshot (without its tags) instead of failing every listing of a shared
  // repository over an unknown version (FORMAT.md "Snapshot").
  if (!s.tags.empty()) {
    w.varint(s.tags.size());
    for (const auto& tag : s.tags) w.str(tag);
  }
  return w.take();
}

Result<Snapshot> decode_snapshot(ByteView payload) {
  Reader r(payload);
  Snapshot s;
  if (r.varint() != 1) return make_error(ErrorKind::Unsupported, "snapshot has an unknown format version");
  s.time_ns = r.svarint();
  s.hostname = r.str();
  s.username = r.str();
  uint64_t n = r.varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) s.paths.push_back(r.str());
  n = r.varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) s.excludes.push_back(r.str());
  s.parent = r.str();
  s.checkpoint = r.u8() != 0;
  s.depth = r.varint();
  n = r.varint();
  if (n > r.remaining()) r.fail();
  for (uint64_t i = 0; i < n && r.ok(); ++i) s.log_blobs.push_back(r.hash());
  SnapshotStats& t = s.stats;
  for (uint64_t* v : {&t.files, &t.dirs, &t.others, &t.bytes, &t.changed_entries, &t.files_read, &t.bytes_read, &t.bytes_stored, &t.errors})
    *v = r.varint();
  if (r.ok() && r.remaining() > 0) {
    n = r.varint();
    if (n > r.remaining()) r.fail();
    for (uint64_t i = 0; i < n && r.ok(); ++i) s.tags.push_back(r.str());
    if (r.ok() && r.remaining() > 0) r.fail();  // nothing may follow the tags
  }
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "snapshot is truncated");
  return s;
}

}  // namespace gb
