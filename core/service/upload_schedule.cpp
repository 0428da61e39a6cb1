#include "core/service/upload_schedule.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <ctime>

namespace gb {

namespace {

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

constexpr std::array<const char*, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int day_index(const std::string& d) {
  for (int i = 0; i < 7; ++i)
    if (d == kDays[static_cast<size_t>(i)]) return i;
  return -1;
}

// "Mon-Fri,Sun" -> bit mask, 0 when bad.
uint8_t parse_days(const std::string& text) {
  uint8_t mask = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t dash = part.find('-');
    int a = day_index(dash == std::string::npos ? part : part.substr(0, dash));
    int b = dash == std::string::npos ? a : day_index(part.substr(dash + 1));
    if (a < 0 || b < 0) return 0;
    for (int d = a;; d = (d + 1) % 7) {
      mask |= static_cast<uint8_t>(1u << d);
      if (d == b) break;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return mask;
}

// "08:30" -> 510; "24:00" allowed as an end; -1 when bad.
int parse_minute(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return -1;
  int h = 0, m = 0;
  if (std::from_chars(t.data(), t.data() + 2, h).ec != std::errc() || std::from_chars(t.data() + 3, t.data() + 5, m).ec != std::errc()) return -1;
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

Error bad_entry(const std::string& entry, const std::string& why) {
  return make_error(ErrorKind::InvalidArgument, fmt::format("upload-limit entry '{}': {}", entry, why));
}

}  // namespace

Result<uint64_t> parse_rate(const std::string& text) {
  if (text == "unlimited") return kUnlimitedRate;
  const std::string sentence = fmt::format("'{}' is not a rate (like 512KiB/s, 1MiB/s, 2MB/s or unlimited)", text);
  if (text.size() < 3 || text.substr(text.size() - 2) != "/s") return make_error(ErrorKind::InvalidArgument, sentence);
  std::string body = text.substr(0, text.size() - 2);
  double number = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), number);
  if (ec != std::errc() || number <= 0) return make_error(ErrorKind::InvalidArgument, sentence);
  std::string unit(end, static_cast<const char*>(body.data() + body.size()));
  static const std::array<std::pair<const char*, double>, 7> kUnits = {
      {{"B", 1}, {"KiB", 1024.0}, {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) {
      double bytes = number * factor;
      if (bytes < 1 || bytes > 1e15) return make_error(ErrorKind::InvalidArgument, sentence);
      return static_cast<uint64_t>(bytes);
    }
  }
  return make_error(ErrorKind::InvalidArgument, sentence);
}

Result<UploadSchedule> UploadSchedule::parse(const std::vector<std::string>& entries) {
  UploadSchedule s;
  for (const auto& entry : entries) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) return bad_entry(entry, "wants 'WHEN = RATE' (like 'Mon-Fri 08:00-23:00 = 1MiB/s' or '* = unlimited')");
    std::string when = trim(entry.substr(0, eq)), rate = trim(entry.substr(eq + 1));
    UploadWindow w;
    w.text = entry;
    if (rate == "paused") {
      w.paused = true;
    } else {
      auto r = parse_rate(rate);
      if (!r) return bad_entry(entry, r.error().message);
      w.bytes_per_second = *r;
    }
    if (when.empty()) return bad_entry(entry, "names no time before '=' ('*' for always)");
    if (when != "*") {
      std::string days, hours;
      size_t space = when.find(' ');
      if (space != std::string::npos) {
        days = when.substr(0, space);
        hours = trim(when.substr(space + 1));
      } else if (when.find(':') != std::string::npos) {
        hours = when;
      } else {
        days = when;
      }
      if (!days.empty()) {
        w.days = parse_days(days);
        if (!w.days) return bad_entry(entry, fmt::format("'{}' is not a day or range of days (Mon Tue Wed Thu Fri Sat Sun, like Mon-Fri)", days));
      }
      if (!hours.empty()) {
        size_t dash = hours.find('-');
        int a = dash == std::string::npos ? -1 : parse_minute(hours.substr(0, dash));
        int b = dash == std::string::npos ? -1 : parse_minute(hours.substr(dash + 1));
        if (a < 0 || b < 0 || a == 24 * 60) return bad_entry(entry, fmt::format("'{}' is not a time window HH:MM-HH:MM (like 08:00-23:00)", hours));
        if (a == b) return bad_entry(entry, fmt::format("'{}' starts and ends at the same time", hours));
        w.start_minute = a;
        w.end_minute = b;
      }
    }
    s.windows_.push_back(std::move(w));
  }
  return s;
}

UploadLimit UploadSchedule::at(int weekday, int minute) const {
  for (const auto& w : windows_) {
    bool match;
    if (w.start_minute < w.end_minute) {
      match = (w.days >> weekday & 1) && minute >= w.start_minute && minute < w.end_minute;
    } else {  // past midnight: the evening of a listed day, or the morning after one
      int yesterday = (weekday + 6) % 7;
      match = ((w.days >> weekday & 1) && minute >= w.start_minute) || ((w.days >> yesterday & 1) && minute < w.end_minute);
    }
    if (match) return {w.paused, w.bytes_per_second, w.text};
  }
  return {};
}

UploadLimit UploadSchedule::now() const {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  return at((local.tm_wday + 6) % 7, local.tm_hour * 60 + local.tm_min);
}

}  // namespace gb
