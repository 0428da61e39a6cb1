// The upload-limit schedule (core/service/upload_schedule.h): the grammar,
// first match wins, windows past midnight, and one sentence per bad entry.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/service/service_state.h"
#include "core/service/upload_schedule.h"

using namespace gb;

namespace {
constexpr int kMon = 0, kFri = 4, kSat = 5, kSun = 6;
int at(int h, int m) { return h * 60 + m; }
}  // namespace

TEST_CASE("upload-limit: weekday window, then the catch-all") {
  auto s = UploadSchedule::parse({"Mon-Fri 08:00-23:00 = 1MiB/s", "* = unlimited"});
  REQUIRE(s);
  CHECK(s->at(kMon, at(8, 0)).bytes_per_second == 1048576);
  CHECK(s->at(kFri, at(22, 59)).bytes_per_second == 1048576);
  CHECK(s->at(kFri, at(23, 0)).bytes_per_second == kUnlimitedRate);
  CHECK(s->at(kMon, at(7, 59)).bytes_per_second == kUnlimitedRate);
  CHECK(s->at(kSat, at(12, 0)).bytes_per_second == kUnlimitedRate);
  CHECK(s->at(kSat, at(12, 0)).entry == "* = unlimited");
}

TEST_CASE("upload-limit: past midnight, day lists, paused, units, no match") {
  auto s = UploadSchedule::parse({"Fri 22:00-06:00 = 500KB/s", "Sat,Sun = paused", "09:00-17:00 = 2KiB/s"});
  REQUIRE(s);
  CHECK(s->at(kFri, at(23, 0)).bytes_per_second == 500000);
  CHECK(s->at(kSat, at(5, 59)).bytes_per_second == 500000);  // Friday's night, Saturday's morning
  CHECK(s->at(kSat, at(6, 0)).paused);
  CHECK(s->at(kSun, at(10, 0)).paused);
  CHECK(s->at(kMon, at(10, 0)).bytes_per_second == 2048);
  CHECK(s->at(kMon, at(5, 0)).bytes_per_second == kUnlimitedRate);  // nothing matches: unlimited
  CHECK_FALSE(s->at(kMon, at(5, 0)).paused);
  CHECK(s->at(kMon, at(5, 0)).entry.empty());
  auto none = UploadSchedule::parse({});
  REQUIRE(none);
  CHECK(none->at(kMon, 0).bytes_per_second == kUnlimitedRate);
}

TEST_CASE("upload-limit: each bad entry is one sentence naming it") {
  struct Bad {
    const char* entry;
    const char* says;
  };
  for (const Bad& b : std::vector<Bad>{{"Mon-Fri 08:00-23:00 1MiB/s", "wants 'WHEN = RATE'"},
                                       {"Mon-Fry 08:00-23:00 = 1MiB/s", "'Mon-Fry' is not a day"},
                                       {"Mon 8:00-23:00 = 1MiB/s", "'8:00-23:00' is not a time window"},
                                       {"Mon 08:00-25:00 = 1MiB/s", "is not a time window"},
                                       {"Mon 08:00-08:00 = 1MiB/s", "starts and ends at the same time"},
                                       {"* = 1MiB", "'1MiB' is not a rate"},
                                       {"* = fast", "'fast' is not a rate"},
                                       {"* = 1XiB/s", "is not a rate"},
                                       {"* = 0KiB/s", "is not a rate"},
                                       {" = 1MiB/s", "names no time"}}) {
    CAPTURE(b.entry);
    auto s = UploadSchedule::parse({"* = unlimited", b.entry});
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find(std::string("upload-limit entry '") + b.entry + "'") == 0);
    CHECK(s.error().message.find(b.says) != std::string::npos);
    CHECK(s.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("service schedule: a job is due when it never ran, its interval passed, or the clock stepped back") {
  CHECK(job_due(std::nullopt, 100, 10));
  CHECK_FALSE(job_due(JobRun{95, 0, 0}, 100, 10));
  CHECK(job_due(JobRun{90, 0, 0}, 100, 10));
  CHECK(job_due(JobRun{200, 0, 0}, 100, 10));
}
