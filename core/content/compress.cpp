#include "core/content/compress.h"

#include <zstd.h>

namespace gb {

namespace {

// One context per thread: creating a context costs more than compressing a small file.
ZSTD_CCtx* thread_context() {
  thread_local ZSTD_CCtx* ctx = ZSTD_createCCtx();
  return ctx;
}

// Whether zstd's output of `data` is worth keeping: it saves at least 1/32.
bool worth_keeping(size_t compressed, size_t size) { return compressed != 0 && !ZSTD_isError(compressed) && compressed + compressed / 32 < size; }

// Already-compressed data (media, archives, encrypted files: most of a
// machine's bytes) does not shrink, and compressing all of it to find out
// costs more CPU than hashing and encrypting it together. Three samples
// compressed at zstd's fastest level (a few percent of the work) say so
// first: when none of them shrinks, the segment is stored raw. A segment
// that shrinks anywhere sampled is compressed whole, as before.
constexpr size_t kProbeMinSize = 256 << 10, kSampleSize = 16 << 10;

bool looks_incompressible(ByteView data) {
  if (data.size() < kProbeMinSize) return false;
  Bytes scratch(ZSTD_compressBound(kSampleSize));
  for (size_t at : {size_t{0}, data.size() / 2 - kSampleSize / 2, data.size() - kSampleSize}) {
    size_t n = ZSTD_compressCCtx(thread_context(), scratch.data(), scratch.size(), data.data() + at, kSampleSize, 1);
    if (worth_keeping(n, kSampleSize)) return false;
  }
  return true;
}

}  // namespace

Bytes compress(ByteView data, int level) {
  Bytes out;
  // Tiny inputs never shrink; skip the attempt, as for data the probe finds incompressible.
  if (data.size() < 64 || looks_incompressible(data)) {
    out.reserve(1 + data.size());
    out.assign(1, 0);
    out.insert(out.end(), data.begin(), data.end());
    return out;
  }
  out.resize(1 + ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compressCCtx(thread_context(), out.data() + 1, out.size() - 1, data.data(), data.size(), level);
  if (!worth_keeping(n, data.size())) {
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
