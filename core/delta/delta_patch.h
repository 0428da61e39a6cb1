// Applies a whole librsync delta held in memory: the one-call form of
// DeltaPatcher (see there for what is read, written and checked).
#pragma once
#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

// Writes the new file to out_fd (sequentially, at its offset), reading the
// base with pread. A damaged delta gives ErrorKind::Corrupt, never a crash;
// the output is then partial and must be discarded. The delta has no
// checksum: the caller checks the output against the content hash.
Status apply_delta(int base_fd, ByteView delta, int out_fd);

}  // namespace gb
