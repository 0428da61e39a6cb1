// The root capability: one printable string that holds the repository's
// master secret and where the repository lives. With it alone a fresh
// machine can list and restore everything.
//
//   gb1:<43 chars base64url master secret>:<6 hex check>:<repository URL>
//
// The check is the first 3 bytes of SHA-256("gridbackup cap check" || secret
// || URL), so a mistyped cap is refused before any network traffic.
#pragma once
#include <string>
#include <string_view>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

struct RootCap {
  Hash master;
  std::string url;
};

std::string format_cap(const RootCap& cap);
Result<RootCap> parse_cap(std::string_view text);

}  // namespace gb
