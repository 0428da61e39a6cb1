// zstd before encryption. Output starts with one flag byte (0 = stored raw,
// 1 = zstd frame) so incompressible data costs nothing to read back.
#pragma once
#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

Bytes compress(ByteView data, int level);
Result<Bytes> decompress(ByteView data);

}  // namespace gb
