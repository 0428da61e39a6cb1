// The one duration syntax, taken by every option that wants a span of time
// (`forget --keep-within`, `prune --grace` and `--wait`, `backup
// --audit-interval`): numbers each followed by a unit, largest unit first,
// each unit at most once: y (years), mo (months), w (weeks), d (days),
// h (hours), min (minutes), s (seconds). "m" may stand for months or minutes
// where its neighbours say which: after y or before w/d/h it is months
// ("2y5m7d3h"), after w/d/h or before s it is minutes ("1h30m", "5m30s"); a
// lone "5m" is refused as ambiguous, never guessed. "0" alone is zero.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

struct Duration {
  uint32_t years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0;
  bool zero() const { return years == 0 && months == 0 && weeks == 0 && days == 0 && hours == 0 && minutes == 0 && seconds == 0; }
  // The shortest text that parses back to this duration ("2y5m7d3h", "90s", "0").
  std::string to_string() const;
  // Elapsed seconds, a month counted as 30 days and a year as 365 (for
  // grace periods and intervals; --keep-within counts on the calendar).
  int64_t total_seconds() const;
};

// Parses the syntax above. At most 200 years in all (a nanosecond count of it fits int64).
Result<Duration> parse_duration(std::string_view text);

// `time_ns` minus `d` in local time: years, months, weeks and days on the
// calendar (a month back from March 31 is March 3, as mktime normalises
// February 31), hours, minutes and seconds as elapsed time.
int64_t subtract_calendar_duration(int64_t time_ns, const Duration& d);

}  // namespace gb
