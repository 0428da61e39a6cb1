// Minimal JSON output for --json. Strings are bytes: invalid UTF-8 is written
// with each bad byte as U+FFFD, so callers add a hex field for exact names.
#pragma once
#include <string>
#include <string_view>

namespace gb {

std::string json_string(std::string_view s);

}  // namespace gb
