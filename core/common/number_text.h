// The one parser of whole numbers written as text: options, URL fields,
// stored values (journal meta, spool offsets, segment names) and numbers in
// server answers all take the same form, decimal digits and nothing else (no
// sign, no spaces, no '+', no hex). Header-only and standard-library-only,
// so the Windows agent's standalone build uses it too.
#pragma once
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

// "'TEXT' WHY", built by append: GCC 12 warns (-Wrestrict, falsely) on "'" + std::string.
inline Error number_error(std::string_view text, std::string_view why) {
  std::string m = "'";
  m.append(text).append("' ").append(why);
  return make_error(ErrorKind::InvalidArgument, std::move(m));
}

// Digits only, at most `max`. The error says "'TEXT' is not a whole number"
// or "'TEXT' is larger than MAX"; callers that name an option prefix it.
inline Result<uint64_t> parse_uint(std::string_view text, uint64_t max = std::numeric_limits<uint64_t>::max()) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return number_error(text, "is not a whole number");
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) return number_error(text, "is larger than " + std::to_string(max));
  return v;
}

// parse_uint with an optional leading '-', for stored signed values (times, pids).
inline Result<int64_t> parse_int(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  auto magnitude = parse_uint(negative ? text.substr(1) : text, negative ? kMax + 1 : kMax);
  if (!magnitude) return number_error(text, "is not a whole number in range");
  return negative ? static_cast<int64_t>(0 - *magnitude) : static_cast<int64_t>(*magnitude);
}

}  // namespace gb
