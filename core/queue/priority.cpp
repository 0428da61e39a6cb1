#include "core/queue/priority.h"

#include <fmt/format.h>
#include <bit>

namespace gb {

Result<PriorityRule> PriorityPolicy::parse_rule(const std::string& text) {
  auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0)
    return make_error(ErrorKind::InvalidArgument, fmt::format("priority rule '{}' should look like PATTERN=high|normal|low|lowest", text));
  std::string level = text.substr(eq + 1);
  PriorityClass k;
  if (level == "high")
    k = PriorityClass::High;
  else if (level == "normal")
    k = PriorityClass::Normal;
  else if (level == "low")
    k = PriorityClass::Low;
  else if (level == "lowest")
    k = PriorityClass::Lowest;
  else
    return make_error(ErrorKind::InvalidArgument, fmt::format("priority rule '{}': level must be high, normal, low or lowest", text));
  return PriorityRule{PathGlob(text.substr(0, eq)), k};
}

int64_t PriorityPolicy::priority(const Entry& e) const {
  PriorityClass k = PriorityClass::Normal;
  for (const auto& r : rules_) {
    if (r.pattern.matches(e.path)) {
      k = r.klass;
      break;
    }
  }
  bool user = e.path.rfind("/home/", 0) == 0 || e.path.rfind("/root/", 0) == 0 || e.uid >= 1000;
  // 64-bit key: class (2 bits) | user (1) | smallness (6) | recency in hours (rest).
  int64_t smallness = 63 - (e.size ? std::bit_width(e.size) : 0);
  int64_t hours = std::max<int64_t>(0, e.mtime_ns / 3600000000000LL) & ((1LL << 40) - 1);
  return static_cast<int64_t>(k) << 48 | (user ? 1LL : 0) << 47 | smallness << 40 | hours;
}

}  // namespace gb
