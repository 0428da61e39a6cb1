// Sealed metadata objects (config payload, index, snapshots, pack headers,
// tombstones of forgotten snapshots):
// magic "GBE1" | kind byte | AES-256-GCM box of the compressed payload, keyed
// with the repository's metadata key; magic and kind are authenticated too.
#pragma once
#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

enum class EnvelopeKind : uint8_t {
  Config = 'C',
  Index = 'I',
  Snapshot = 'S',
  PackHeader = 'H',
  Lock = 'L',       // locks/: a process at work in the repository
  PrunePlan = 'P',  // prune/plan: what the next prune deletes
  Tombstone = 'T',  // forgotten/<id>: a forgotten snapshot
};

Result<Bytes> seal_envelope(const Hash& key, EnvelopeKind kind, ByteView payload);
// Fails with Corrupt (naming `what`) if the object was altered or is not of `kind`.
Result<Bytes> open_envelope(const Hash& key, EnvelopeKind kind, ByteView sealed, const std::string& what);

}  // namespace gb
