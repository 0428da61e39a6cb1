// --json output, written with nlohmann-json (Debian: nlohmann-json3-dev).
// Members keep the order they are set in (ordered_json), and each value is
// one compact line, as scripts grep it ("files_read":0,). Strings are bytes:
// invalid UTF-8 is written with each bad byte as U+FFFD, so callers add a hex
// field for exact names.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gb {

using Json = nlohmann::ordered_json;

// One value as compact JSON text.
std::string json_text(const Json& value);
// One string as a JSON string literal.
std::string json_string(std::string_view s);
// A duration in seconds, rounded to milliseconds as the output has always shown it.
double json_seconds(double seconds);

}  // namespace gb
