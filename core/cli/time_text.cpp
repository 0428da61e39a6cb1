#include "core/cli/time_text.h"

#include <fmt/format.h>

#include <ctime>

namespace gb {
namespace {
std::string format(int64_t ns, bool utc, const char* pattern) {
  std::time_t t = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  char buf[64];
  if (!(utc ? ::gmtime_r(&t, &tm) : ::localtime_r(&t, &tm)) || !std::strftime(buf, sizeof buf, pattern, &tm)) return "?";
  return buf;
}
}  // namespace

std::string local_time_text(int64_t ns) { return format(ns, false, "%Y-%m-%d %H:%M:%S"); }
std::string utc_time_text(int64_t ns) { return format(ns, true, "%Y-%m-%dT%H:%M:%SZ"); }

std::string ago_text(int64_t s) {
  if (s < 60) return "under a minute ago";
  if (s < 3600) return fmt::format("{} min ago", s / 60);
  if (s < 2 * 86400) return fmt::format("{} h ago", s / 3600);
  return fmt::format("{} days ago", s / 86400);
}

}  // namespace gb
