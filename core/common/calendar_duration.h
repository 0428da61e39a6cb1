// A span of calendar time such as "2y5m7d3h": years, months and days count
// on the calendar (a month back from March 31 is March 3, as mktime
// normalises February 31), hours are 3600 s. Used by `forget --keep-within`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

struct CalendarDuration {
  uint32_t years = 0, months = 0, days = 0, hours = 0;
  bool zero() const { return years == 0 && months == 0 && days == 0 && hours == 0; }
  // "2y5m7d3h", zero parts left out.
  std::string to_string() const;
};

// Parses numbers each followed by a unit, y, m, d or h, in that order, each
// unit at most once ("7d", "36h", "2y5m7d3h"). Zero spans are refused.
Result<CalendarDuration> parse_calendar_duration(std::string_view text);

// `time_ns` minus `d` in local time.
int64_t subtract_calendar_duration(int64_t time_ns, const CalendarDuration& d);

}  // namespace gb
