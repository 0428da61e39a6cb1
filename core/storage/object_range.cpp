#include "core/storage/object_range.h"

#include <fmt/format.h>

namespace gb {

Error object_too_short(const std::string& name, uint64_t offset, uint64_t length) {
  return make_error(ErrorKind::Corrupt, fmt::format("object {} is shorter than expected (wanted bytes {} to {})", name, offset, offset + length))
      .about_object(name)
      .because(Cause::MissingObject);
}

Result<Bytes> empty_range(Backend& backend, const std::string& name, uint64_t offset) {
  GB_ASSIGN(ObjectInfo info, backend.stat(name));
  if (info.size < offset) return object_too_short(name, offset, 0);
  return Bytes{};
}

std::string http_range(uint64_t offset, uint64_t length) { return fmt::format("bytes={}-{}", offset, offset + length - 1); }

Result<Bytes> http_range_body(long status, Bytes body, const std::string& name, uint64_t offset, uint64_t length) {
  if (status == 206) {
    if (body.size() != length) return object_too_short(name, offset, length);
    return body;
  }
  if (status != 200 || body.size() < offset + length) return object_too_short(name, offset, length);
  return Bytes(body.begin() + static_cast<ptrdiff_t>(offset), body.begin() + static_cast<ptrdiff_t>(offset + length));
}

}  // namespace gb
