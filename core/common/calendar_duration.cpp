#include "core/common/calendar_duration.h"

#include <ctime>
#include <fmt/format.h>

namespace gb {

std::string CalendarDuration::to_string() const {
  std::string s;
  if (years) s += fmt::format("{}y", years);
  if (months) s += fmt::format("{}m", months);
  if (days) s += fmt::format("{}d", days);
  if (hours) s += fmt::format("{}h", hours);
  return s.empty() ? "0h" : s;
}

Result<CalendarDuration> parse_calendar_duration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("'{}' is not a duration: {} (write numbers with units y, m, d, h in that order, like 7d, 36h or 2y5m7d3h)", text, why));
  };
  if (text.empty()) return bad("it is empty");
  CalendarDuration d;
  uint32_t* fields[] = {&d.years, &d.months, &d.days, &d.hours};
  const std::string_view units = "ymdh";
  size_t next_unit = 0, i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + static_cast<uint64_t>(text[i] - '0');
      if (n > 1000000) return bad("a number is too large");
      ++i;
    }
    if (i == start) return bad(fmt::format("'{}' is not a number", text[i]));
    if (i == text.size()) return bad("the last number has no unit");
    size_t unit = units.find(text[i]);
    if (unit == std::string_view::npos) return bad(fmt::format("'{}' is not a unit", text[i]));
    if (unit < next_unit) return bad(fmt::format("unit '{}' comes twice or out of order", text[i]));
    *fields[unit] = static_cast<uint32_t>(n);
    next_unit = unit + 1;
    ++i;
  }
  if (d.zero()) return bad("it is zero");
  return d;
}

int64_t subtract_calendar_duration(int64_t time_ns, const CalendarDuration& d) {
  constexpr int64_t kNs = 1000000000;
  int64_t seconds = time_ns / kNs, rest = time_ns % kNs;
  if (rest < 0) {
    rest += kNs;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  tm.tm_year -= static_cast<int>(d.years);
  tm.tm_mon -= static_cast<int>(d.months);
  tm.tm_mday -= static_cast<int>(d.days);
  tm.tm_isdst = -1;  // the date moved: let mktime find whether DST applies there
  int64_t back = static_cast<int64_t>(std::mktime(&tm)) - static_cast<int64_t>(d.hours) * 3600;
  return back * kNs + rest;
}

}  // namespace gb
