// Sealing one blob: compress, then AES-256-GCM with the convergent content
// key. The authenticated data binds the box to its type and hash, so a box
// cannot be passed off as another blob.
#pragma once
#include "core/common/result.h"
#include "core/content/blob.h"
#include "core/crypto/keys.h"

namespace gb {

Status seal_blob(const RepositoryKeys& keys, BlobType type, const Hash& hash, ByteView plaintext, int level, Bytes& out);
// Opens and checks a blob: fails with Corrupt if the box or its hash is wrong.
Result<Bytes> open_blob(const RepositoryKeys& keys, BlobType type, const Hash& hash, ByteView box);

}  // namespace gb
