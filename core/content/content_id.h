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

#include <sys/types.h>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

Hash content_id_of_segments(const std::vector<Hash>& segment_ids);

// Whether the bytes of fd from `start` to its end are the version named
// `content`, cut into segments of `segment_size`; a version stored before
// format v2 (named by the SHA-256 of the whole file) is tried second, only
// when the first does not match. An error: the file could not be read.
Result<bool> fd_has_content(int fd, off_t start, const Hash& content, size_t segment_size);

}  // namespace gb
