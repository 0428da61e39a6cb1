#include "core/content/content_id.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <stdexcept>

#include "core/common/fd_io.h"
#include "core/common/le_codec.h"
#include "core/common/posix_error.h"
#include "core/crypto/sha256.h"

namespace gb {

Hash content_id_of_segments(const std::vector<Hash>& segment_ids) {
  if (segment_ids.empty()) return sha256({});
  if (segment_ids.size() == 1) return segment_ids[0];
  static constexpr char kTag[] = "gridbackup segment list v2";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();  // fails only out of memory: std::bad_alloc, as any allocation (sha256.cpp)
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha512_256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::bad_alloc();
  }
  std::string count;
  put_le(segment_ids.size(), 8, count);
  EVP_DigestUpdate(ctx, kTag, sizeof kTag - 1);
  EVP_DigestUpdate(ctx, count.data(), count.size());
  for (const Hash& h : segment_ids) EVP_DigestUpdate(ctx, h.data(), h.size());
  Hash out;
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

Result<bool> fd_has_content(int fd, off_t start, const Hash& content, size_t segment_size) {
  Bytes buf(std::max<size_t>(segment_size, 1));
  auto each_segment = [&](const std::function<void(ByteView)>& use) -> Status {
    for (off_t pos = start;;) {
      ssize_t filled = pread_fully(fd, buf.data(), buf.size(), pos);
      if (filled < 0) return posix_error("cannot read the file back", errno);
      if (filled == 0) return {};
      use(ByteView(buf.data(), static_cast<size_t>(filled)));
      pos += filled;
      if (static_cast<size_t>(filled) < buf.size()) return {};
    }
  };
  std::vector<Hash> segments;
  GB_CHECK(each_segment([&](ByteView seg) { segments.push_back(sha256(seg)); }));
  if (content_id_of_segments(segments) == content) return true;
  Sha256 whole;
  GB_CHECK(each_segment([&](ByteView seg) { whole.update(seg); }));
  return whole.finish() == content;
}

}  // namespace gb
