#include "core/content/compress.h"

#include <zstd.h>

namespace gb {

Bytes compress(ByteView data, int level) {
  Bytes out(1 + ZSTD_compressBound(data.size()));
  // One context per thread: creating a context costs more than compressing a small file.
  thread_local ZSTD_CCtx* ctx = ZSTD_createCCtx();
  // Tiny inputs never shrink; skip the attempt.
  size_t n = data.size() < 64 ? 0 : ZSTD_compressCCtx(ctx, out.data() + 1, out.size() - 1, data.data(), data.size(), level);
  // Keep the compressed form only when it saves at least 1/32 of the size.
  if (n == 0 || ZSTD_isError(n) || n + n / 32 >= data.size()) {
    out.assign(1, 0);
    out.insert(out.end(), data.begin(), data.end());
    return out;
  }
  out[0] = 1;
  out.resize(1 + n);
  return out;
}

Result<Bytes> decompress(ByteView data) {
  if (data.empty()) return make_error(ErrorKind::Corrupt, "empty compressed block");
  ByteView body = data.subspan(1);
  if (data[0] == 0) return Bytes(body.begin(), body.end());
  if (data[0] != 1) return make_error(ErrorKind::Corrupt, "unknown compression flag");
  unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 32))
    return make_error(ErrorKind::Corrupt, "damaged zstd frame");
  Bytes out(size);
  thread_local ZSTD_DCtx* ctx = ZSTD_createDCtx();
  size_t n = ZSTD_decompressDCtx(ctx, out.data(), out.size(), body.data(), body.size());
  if (ZSTD_isError(n) || n != size) return make_error(ErrorKind::Corrupt, "damaged zstd frame");
  return out;
}

}  // namespace gb
