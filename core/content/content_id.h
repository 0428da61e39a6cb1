// The content hash of a file version, which names it everywhere (entries,
// links, deltas, the upload queue) and keys its convergent encryption.
//
// A file is cut into segments of the repository's segment size; each
// segment's id is the SHA-256 of its bytes. The content hash is:
// - no segment (empty file): SHA-256 of nothing;
// - one segment: that segment's id (so a small file needs no link);
// - more: SHA-512/256 over a tag, the segment count and the segment ids in
//   order (format v2; v1 used the SHA-256 of the whole file).
// Hashing segments, not one stream, lets a large file be hashed on every
// core at once: one SHA-256 stream of a 1 GiB file was most of the time to
// commit a snapshot after a small edit of it. SHA-512/256 (another initial
// value, another compression function) keeps a list hash from ever equalling
// a one-segment id: with SHA-256 there too, a small file whose bytes are a
// crafted list would share its hash with a large file.
#pragma once
#include <vector>

#include "core/common/bytes.h"

namespace gb {

Hash content_id_of_segments(const std::vector<Hash>& segment_ids);

}  // namespace gb
