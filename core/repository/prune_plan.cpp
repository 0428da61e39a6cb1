#include "core/repository/prune_plan.h"

#include <algorithm>

#include "core/common/serial.h"
#include "core/content/envelope.h"

namespace gb {
namespace {

void write_strings(Writer& w, const std::vector<std::string>& v) {
  w.varint(v.size());
  for (const auto& s : v) w.str(s);
}

std::vector<std::string> read_strings(Reader& r) {
  std::vector<std::string> v;
  uint64_t n = r.varint();
  if (n > r.remaining()) r.fail();
  for (uint64_t i = 0; i < n && r.ok(); ++i) v.push_back(r.str());
  return v;
}

}  // namespace

Bytes encode_prune_plan(const PrunePlan& p) {
  Writer w;
  w.varint(1);
  w.svarint(p.created_ns);
  // Sorted, so equal plans are equal bytes.
  std::vector<Hash> blobs(p.candidates.begin(), p.candidates.end());
  std::sort(blobs.begin(), blobs.end());
  w.varint(blobs.size());
  for (const auto& h : blobs) w.hash(h);
  write_strings(w, p.index_objects);
  write_strings(w, p.unindexed_packs);
  write_strings(w, p.locks_at_creation);
  write_strings(w, p.condemned_packs);
  return w.take();
}

Result<PrunePlan> decode_prune_plan(ByteView payload) {
  Reader r(payload);
  PrunePlan p;
  if (r.varint() != 1) return make_error(ErrorKind::Corrupt, "the prune plan has an unknown version");
  p.created_ns = r.svarint();
  uint64_t n = r.varint();
  if (n > r.remaining() / 32) r.fail();
  for (uint64_t i = 0; i < n && r.ok(); ++i) p.candidates.insert(r.hash());
  p.index_objects = read_strings(r);
  p.unindexed_packs = read_strings(r);
  p.locks_at_creation = read_strings(r);
  p.condemned_packs = read_strings(r);
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "the prune plan is truncated");
  return p;
}

Result<std::optional<PrunePlan>> load_prune_plan(Backend& backend, const Hash& metadata_key) {
  auto sealed = backend.get(kPrunePlanObject);
  if (!sealed) {
    if (sealed.error().kind == ErrorKind::NotFound) return std::optional<PrunePlan>{};
    return sealed.error();
  }
  GB_ASSIGN(Bytes payload, open_envelope(metadata_key, EnvelopeKind::PrunePlan, *sealed, "the prune plan (prune/plan)"));
  GB_ASSIGN(PrunePlan p, decode_prune_plan(payload));
  return std::optional<PrunePlan>(std::move(p));
}

Status store_prune_plan(Backend& backend, const Hash& metadata_key, const PrunePlan& p) {
  GB_ASSIGN(Bytes sealed, seal_envelope(metadata_key, EnvelopeKind::PrunePlan, encode_prune_plan(p)));
  return backend.put(kPrunePlanObject, sealed);
}

}  // namespace gb
