// Shared rules of Backend::get_range for the remote backends: a range that
// ends past the object is Corrupt (the object is shorter than the caller
// knows it to be), and an empty range still checks that the object exists.
#pragma once
#include <cstdint>
#include <string>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/storage/backend.h"

namespace gb {

Error object_too_short(const std::string& name, uint64_t offset, uint64_t length);

// get_range(name, offset, 0): empty if the object exists and is at least
// `offset` bytes long.
Result<Bytes> empty_range(Backend& backend, const std::string& name, uint64_t offset);

// "bytes=OFFSET-LAST" for an HTTP Range header; length must not be 0.
std::string http_range(uint64_t offset, uint64_t length);

// The bytes of a ranged HTTP GET: 206 must carry exactly `length` bytes,
// 416 means the object ends before `offset`, and a 200 (a server that
// ignores Range) carries the whole object, from which the range is cut.
Result<Bytes> http_range_body(long status, Bytes body, const std::string& name, uint64_t offset, uint64_t length);

}  // namespace gb
