#include "core/common/duration.h"

#include <fmt/format.h>
#include <array>
#include <ctime>
#include <optional>
#include <vector>

namespace gb {
namespace {

// Units largest first; the index is the order they must come in.
enum Unit : int { kYears, kMonths, kWeeks, kDays, kHours, kMinutes, kSeconds, kMonthsOrMinutes };
constexpr std::array<std::string_view, 7> kUnitNames = {"y", "mo", "w", "d", "h", "min", "s"};

std::optional<Unit> unit_named(std::string_view u) {
  if (u == "m") return kMonthsOrMinutes;
  for (size_t i = 0; i < kUnitNames.size(); ++i)
    if (u == kUnitNames[i]) return static_cast<Unit>(i);
  return std::nullopt;
}

bool is_week_day_or_hour(int u) { return u == kWeeks || u == kDays || u == kHours; }

struct Part {
  uint64_t n;
  int unit;
  std::string_view text;  // "5m", for the ambiguity sentence
};

}  // namespace

std::string Duration::to_string() const {
  // "m" where the parser reads it back as the same unit, else "mo" / "min".
  const bool month_m = years || weeks || days || hours;
  const bool minute_m = weeks || days || hours || (seconds && !years && !months);
  std::string s;
  if (years) s += fmt::format("{}y", years);
  if (months) s += fmt::format("{}{}", months, month_m ? "m" : "mo");
  if (weeks) s += fmt::format("{}w", weeks);
  if (days) s += fmt::format("{}d", days);
  if (hours) s += fmt::format("{}h", hours);
  if (minutes) s += fmt::format("{}{}", minutes, minute_m ? "m" : "min");
  if (seconds) s += fmt::format("{}s", seconds);
  return s.empty() ? "0" : s;
}

int64_t Duration::total_seconds() const {
  constexpr int64_t kDay = 86400;
  return int64_t{years} * 365 * kDay + int64_t{months} * 30 * kDay + int64_t{weeks} * 7 * kDay + int64_t{days} * kDay + int64_t{hours} * 3600 +
         int64_t{minutes} * 60 + int64_t{seconds};
}

Result<Duration> parse_duration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("'{}' is not a duration: {} (write numbers with units y, mo, w, d, h, min, s, largest first, "
                                  "like 90s, 15min, 1h30m, 7d or 2y5m7d3h)",
                                  text, why));
  };
  if (text.empty()) return bad("it is empty");
  if (text == "0") return Duration{};
  std::vector<Part> parts;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + static_cast<uint64_t>(text[i] - '0');
      if (n > 1000000) return bad("a number is too large");
      ++i;
    }
    if (i == start) return bad(fmt::format("'{}' is not a number", text[i]));
    size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view name = text.substr(unit_start, i - unit_start);
    if (name.empty()) return bad(i == text.size() ? "the last number has no unit" : fmt::format("'{}' is not a unit", text[i]));
    auto unit = unit_named(name);
    if (!unit) return bad(fmt::format("'{}' is not a unit", name));
    parts.push_back({n, *unit, text.substr(start, i - start)});
  }
  Duration d;
  uint32_t* fields[] = {&d.years, &d.months, &d.weeks, &d.days, &d.hours, &d.minutes, &d.seconds};
  int last = -1;
  for (size_t k = 0; k < parts.size(); ++k) {
    Part& p = parts[k];
    if (p.unit == kMonthsOrMinutes) {
      // Its neighbours decide: months come after years and before weeks,
      // days and hours; minutes come after those and before seconds.
      int next = k + 1 < parts.size() ? parts[k + 1].unit : -1;
      if (last == kYears || (last < kMonths && is_week_day_or_hour(next)))
        p.unit = kMonths;
      else if (is_week_day_or_hour(last) || last == kMonths || next == kSeconds)
        p.unit = kMinutes;
      else
        return bad(fmt::format("'{}' could be minutes or months (write {}min or {}mo)", p.text, p.n, p.n));
    }
    if (p.unit <= last) return bad(fmt::format("unit '{}' comes twice or out of order", kUnitNames[static_cast<size_t>(p.unit)]));
    *fields[p.unit] = static_cast<uint32_t>(p.n);
    last = p.unit;
  }
  if (d.total_seconds() > int64_t{200} * 365 * 86400) return bad("it is longer than 200 years");
  return d;
}

int64_t subtract_calendar_duration(int64_t time_ns, const Duration& d) {
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
  tm.tm_mday -= static_cast<int>(d.weeks * 7 + d.days);
  tm.tm_isdst = -1;  // the date moved: let mktime find whether DST applies there
  int64_t back = static_cast<int64_t>(std::mktime(&tm)) - (int64_t{d.hours} * 3600 + int64_t{d.minutes} * 60 + int64_t{d.seconds});
  return back * kNs + rest;
}

}  // namespace gb
