// The upload bandwidth schedule (`upload-limit`, README: "The always-on service"): a list of
// entries "WHEN = RATE", the first whose WHEN matches the local time wins,
// and no match is unlimited.
//
//   WHEN  = "*" | DAYS | DAYS " " HH:MM-HH:MM | HH:MM-HH:MM
//   DAYS  = DAY or DAY-DAY, comma-separated (Mon Tue Wed Thu Fri Sat Sun; Mon-Fri, Sat,Sun)
//   RATE  = "unlimited" | "paused" | NUMBER UNIT "/s" (UNIT: B KiB MiB GiB, or KB MB GB for powers of 1000)
//
// A window ending before it starts runs past midnight ("Mon-Fri 22:00-06:00":
// from 22:00 on those days to 06:00 the next morning). Hand-written: a dozen
// lines of grammar that no Debian library parses.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

inline constexpr uint64_t kUnlimitedRate = 0;

struct UploadWindow {
  uint8_t days = 0x7f;  // bit 0 Monday ... bit 6 Sunday
  int start_minute = 0, end_minute = 24 * 60;
  bool paused = false;
  uint64_t bytes_per_second = kUnlimitedRate;
  std::string text;  // the entry as given
};

struct UploadLimit {
  bool paused = false;
  uint64_t bytes_per_second = kUnlimitedRate;
  std::string entry;  // the entry that matched ("" for none)
};

class UploadSchedule {
 public:
  // One clear sentence naming the first bad entry.
  static Result<UploadSchedule> parse(const std::vector<std::string>& entries);
  // The limit at a local time: weekday 0 = Monday, minute of the day.
  UploadLimit at(int weekday, int minute) const;
  // The limit now, in this machine's local time.
  UploadLimit now() const;
  bool empty() const { return windows_.empty(); }

 private:
  std::vector<UploadWindow> windows_;
};

// "1MiB/s" -> 1048576; "unlimited" -> kUnlimitedRate; a sentence otherwise.
Result<uint64_t> parse_rate(const std::string& text);

}  // namespace gb
