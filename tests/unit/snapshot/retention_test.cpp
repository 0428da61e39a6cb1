#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/snapshot/retention.h"

using namespace gb;

namespace {

// Sets TZ for one test and restores it afterwards: buckets are local time.
struct TimeZone {
  std::string old;
  bool had;
  explicit TimeZone(const char* tz) {
    const char* o = std::getenv("TZ");
    had = o != nullptr;
    if (had) old = o;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~TimeZone() {
    if (had)
      ::setenv("TZ", old.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
};

// "YYYY-MM-DD HH:MM" in UTC -> ns since the epoch.
int64_t utc(const char* text) {
  std::tm tm{};
  int matched = std::sscanf(text, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min);
  REQUIRE(matched == 5);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm)) * 1000000000;
}

struct P : RetentionPolicy {
  P& set(uint64_t RetentionPolicy::*rule, uint64_t n) {
    this->*rule = n;
    return *this;
  }
  P& last(uint64_t n) { return set(&RetentionPolicy::keep_last, n); }
  P& hourly(uint64_t n) { return set(&RetentionPolicy::keep_hourly, n); }
  P& daily(uint64_t n) { return set(&RetentionPolicy::keep_daily, n); }
  P& weekly(uint64_t n) { return set(&RetentionPolicy::keep_weekly, n); }
  P& monthly(uint64_t n) { return set(&RetentionPolicy::keep_monthly, n); }
  P& yearly(uint64_t n) { return set(&RetentionPolicy::keep_yearly, n); }
  P& within(const char* d) {
    auto parsed = parse_duration(d);
    REQUIRE(parsed.ok());
    keep_within = *parsed;
    return *this;
  }
  P& group(bool host, bool paths) {
    group_by_host = host;
    group_by_paths = paths;
    return *this;
  }
};

struct Snap {
  const char* time;
  const char* expected;  // the reasons it is kept, ", "-joined; "" = forgotten
  const char* host = "h";
  const char* path = "/p";
};

struct Row {
  const char* name;
  P policy;
  std::vector<Snap> snaps;
};

// Runs the policy; returns each input snapshot's reasons, ", "-joined, in
// input order; checks that keep == (reasons not empty).
std::vector<std::string> run(const RetentionPolicy& policy, const std::vector<RetentionCandidate>& in) {
  auto groups = apply_retention(policy, in);
  REQUIRE(groups.ok());
  std::vector<std::string> got(in.size(), "?");
  for (const auto& g : *groups)
    for (const auto& d : g.decisions) {
      std::string joined;
      for (const auto& r : d.reasons) joined += (joined.empty() ? "" : ", ") + r;
      CHECK(d.keep == !joined.empty());
      got[d.candidate] = joined;
    }
  return got;
}

std::vector<RetentionCandidate> candidates(const std::vector<Snap>& snaps) {
  std::vector<RetentionCandidate> in;
  for (size_t i = 0; i < snaps.size(); ++i)
    in.push_back(RetentionCandidate{"id" + std::to_string(i), utc(snaps[i].time), snaps[i].host, {snaps[i].path}});
  return in;
}

}  // namespace

TEST_CASE("retention policy table: each rule, combinations, grouping, keep-within, ISO weeks") {
  TimeZone tz("UTC0");
  const std::vector<Row> rows = {
      {"keep-last keeps the newest N, whatever the input order",
       P().last(2),
       {{"2026-01-01 10:00", ""}, {"2026-01-03 10:00", "last"}, {"2026-01-02 10:00", ""}, {"2026-01-04 10:00", "last"}}},
      {"keep-last larger than the group keeps all", P().last(5), {{"2026-01-01 10:00", "last"}, {"2026-01-02 10:00", "last"}}},
      {"hourly: the newest of each hour, N hours that have one",
       P().hourly(2),
       {{"2026-01-01 10:05", ""},
        {"2026-01-01 10:40", ""},
        {"2026-01-01 11:10", ""},
        {"2026-01-01 11:50", "hourly 2026-01-01 11:00"},
        {"2026-01-01 13:00", "hourly 2026-01-01 13:00"}}},
      {"daily: days without snapshots do not use up the count",
       P().daily(3),
       {{"2026-01-01 08:00", ""},
        {"2026-01-01 20:00", ""},
        {"2026-01-03 09:00", "daily 2026-01-03"},
        {"2026-01-05 07:00", "daily 2026-01-05"},
        {"2026-01-06 23:59", "daily 2026-01-06"}}},
      {"weekly: ISO weeks start on Monday; 2025-12-29 is in 2026-W01",
       P().weekly(3),
       {{"2025-12-28 12:00", "weekly 2025-W52"},
        {"2025-12-29 12:00", ""},
        {"2026-01-04 23:00", "weekly 2026-W01"},
        {"2026-01-05 00:00", "weekly 2026-W02"}}},
      {"weekly: 2021-01-03 (Sunday) is in 2020-W53",
       P().weekly(2),
       {{"2020-12-31 12:00", ""}, {"2021-01-03 12:00", "weekly 2020-W53"}, {"2021-01-04 12:00", "weekly 2021-W01"}}},
      {"monthly",
       P().monthly(2),
       {{"2026-01-31 23:00", ""}, {"2026-02-01 00:00", ""}, {"2026-02-15 12:00", "monthly 2026-02"}, {"2026-03-01 00:00", "monthly 2026-03"}}},
      {"yearly",
       P().yearly(2),
       {{"2024-12-31 23:59", ""}, {"2025-01-01 00:00", ""}, {"2025-06-01 00:00", "yearly 2025"}, {"2026-01-01 00:00", "yearly 2026"}}},
      {"several rules: a snapshot lists every reason, in rule order",
       P().last(1).daily(2).monthly(2),
       {{"2026-01-15 12:00", "monthly 2026-01"},
        {"2026-02-10 09:00", ""},
        {"2026-02-10 18:00", "daily 2026-02-10"},
        {"2026-02-11 08:00", "last, daily 2026-02-11, monthly 2026-02"}}},
      {"all bucket rules at once",
       P().hourly(1).daily(1).weekly(1).monthly(1).yearly(1),
       {{"2025-07-01 00:00", ""},
        {"2026-01-01 00:00", "", "h", "/p"},
        {"2026-03-04 10:00", ""},
        {"2026-03-04 11:30", "hourly 2026-03-04 11:00, daily 2026-03-04, weekly 2026-W10, monthly 2026-03, yearly 2026"}}},
      {"yearly beyond the history keeps one per year present",
       P().yearly(10).last(1),
       {{"2024-05-01 00:00", "yearly 2024"}, {"2025-05-01 00:00", "yearly 2025"}, {"2026-05-01 00:00", "last, yearly 2026"}}},
      {"within 7d: strictly younger than the newest minus 7 days",
       P().within("7d"),
       {{"2026-02-01 00:00", ""}, {"2026-03-03 12:00", ""}, {"2026-03-03 12:01", "within 7d"}, {"2026-03-10 12:00", "within 7d"}}},
      {"within 1mo counts calendar months: March 31 minus a month is March 3",
       P().within("1mo"),
       {{"2026-03-02 23:00", ""}, {"2026-03-03 01:00", "within 1mo"}, {"2026-03-31 00:00", "within 1mo"}}},
      {"within 36h", P().within("36h"), {{"2026-01-02 00:00", ""}, {"2026-01-02 00:01", "within 36h"}, {"2026-01-03 12:00", "within 36h"}}},
      {"within 2y5m7d3h",
       P().within("2y5m7d3h"),
       {{"2024-01-03 09:00", ""}, {"2024-01-03 09:01", "within 2y5m7d3h"}, {"2026-06-10 12:00", "within 2y5m7d3h"}}},
      {"within is relative to the group's newest snapshot, not to now",
       P().within("1d"),
       {{"2001-01-01 00:00", ""}, {"2001-01-05 00:00", "within 1d"}, {"2001-01-05 12:00", "within 1d"}}},
      {"within combined with last and daily",
       P().within("2d").last(1).daily(4),
       {{"2026-01-01 00:00", "daily 2026-01-01"},
        {"2026-01-05 10:00", ""},
        {"2026-01-05 11:00", "daily 2026-01-05"},
        {"2026-01-09 10:00", "daily 2026-01-09, within 2d"},
        {"2026-01-10 10:00", "last, daily 2026-01-10, within 2d"}}},
      {"default grouping is by host and paths: each group keeps its own",
       P().last(1),
       {{"2026-01-01 00:00", "", "a", "/p"},
        {"2026-01-02 00:00", "", "b", "/p"},
        {"2026-01-03 00:00", "last", "a", "/p"},
        {"2026-01-04 00:00", "last", "b", "/p"},
        {"2026-01-01 00:00", "last", "a", "/q"}}},
      {"group by host only",
       P().last(1).group(true, false),
       {{"2026-01-01 00:00", "", "a", "/p"}, {"2026-01-02 00:00", "last", "a", "/q"}, {"2026-01-01 00:00", "last", "b", "/p"}}},
      {"group by paths only",
       P().last(1).group(false, true),
       {{"2026-01-01 00:00", "", "a", "/p"}, {"2026-01-02 00:00", "last", "b", "/p"}, {"2026-01-01 00:00", "last", "a", "/q"}}},
      {"no grouping: one group",
       P().last(1).group(false, false),
       {{"2026-01-01 00:00", "", "a", "/p"}, {"2026-01-02 00:00", "", "b", "/p"}, {"2026-01-03 00:00", "last", "a", "/q"}}},
      {"daily per host group",
       P().daily(1),
       {{"2026-01-01 01:00", "", "a", "/p"},
        {"2026-01-01 02:00", "daily 2026-01-01", "a", "/p"},
        {"2026-01-01 01:30", "daily 2026-01-01", "b", "/p"}}},
      {"ties in time: the larger id counts as newer", P().last(1), {{"2026-01-01 00:00", ""}, {"2026-01-01 00:00", "last"}}},
      {"ties in one bucket: only one snapshot represents it",
       P().daily(2),
       {{"2026-01-01 05:00", ""}, {"2026-01-01 05:00", "daily 2026-01-01"}, {"2025-12-31 05:00", "daily 2025-12-31"}}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    auto got = run(row.policy, candidates(row.snaps));
    for (size_t i = 0; i < row.snaps.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i] == std::string(row.snaps[i].expected));
    }
  }
}

TEST_CASE("retention: ties are broken by id, not by input order") {
  TimeZone tz("UTC0");
  int64_t t = utc("2026-01-01 00:00");
  std::vector<RetentionCandidate> in = {{"ffff", t, "h", {"/p"}}, {"0000", t, "h", {"/p"}}, {"8888", t, "h", {"/p"}}};
  auto got = run(P().last(2), in);
  CHECK(got == std::vector<std::string>{"last", "", "last"});
}

TEST_CASE("retention: groups carry what they are grouped by, decisions newest first") {
  TimeZone tz("UTC0");
  std::vector<RetentionCandidate> in = {{"a1", utc("2026-01-01 00:00"), "a", {"/p", "/q"}},
                                        {"b1", utc("2026-01-02 00:00"), "b", {"/p"}},
                                        {"a2", utc("2026-01-03 00:00"), "a", {"/p", "/q"}}};
  auto groups = apply_retention(P().last(1), in);
  REQUIRE(groups.ok());
  REQUIRE(groups->size() == 2);
  CHECK((*groups)[0].host == std::optional<std::string>("a"));
  CHECK((*groups)[0].paths == std::optional<std::vector<std::string>>(std::vector<std::string>{"/p", "/q"}));
  REQUIRE((*groups)[0].decisions.size() == 2);
  CHECK((*groups)[0].decisions[0].candidate == 2);
  CHECK((*groups)[0].decisions[1].candidate == 0);
  auto by_paths = apply_retention(P().last(1).group(false, true), in);
  REQUIRE(by_paths.ok());
  CHECK_FALSE((*by_paths)[0].host.has_value());
  CHECK((*by_paths)[0].paths.has_value());
}

TEST_CASE("retention: buckets are in local time") {
  TimeZone tz("EST5");  // UTC-5, no daylight saving
  std::vector<RetentionCandidate> in = {{"x", utc("2026-12-01 03:00"), "h", {"/p"}}, {"y", utc("2026-11-30 06:00"), "h", {"/p"}}};
  // 2026-12-01 03:00 UTC is 2026-11-30 22:00 in EST: both are one local day.
  CHECK(run(P().daily(2), in) == std::vector<std::string>{"daily 2026-11-30", ""});
  CHECK(run(P().monthly(2), in) == std::vector<std::string>{"monthly 2026-11", ""});
  CHECK(run(P().hourly(1), in) == std::vector<std::string>{"hourly 2026-11-30 22:00", ""});
}

TEST_CASE("retention: a policy with no rule is refused") {
  std::vector<RetentionCandidate> in = {{"x", 1, "h", {"/p"}}};
  auto r = apply_retention(RetentionPolicy{}, in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::InvalidArgument);
  CHECK(r.error().message.find("--keep-") != std::string::npos);
  CHECK(P().within("1h").empty() == false);
  CHECK(P().group(false, false).empty());
}

TEST_CASE("calendar durations subtract on the calendar, in local time") {
  TimeZone tz("UTC0");
  auto d = parse_duration("1mo");
  REQUIRE(d.ok());
  CHECK(subtract_calendar_duration(utc("2026-03-31 00:00"), *d) == utc("2026-03-03 00:00"));
  auto y = parse_duration("1y1d");
  REQUIRE(y.ok());
  CHECK(subtract_calendar_duration(utc("2024-03-01 06:00") + 5, *y) == utc("2023-02-28 06:00") + 5);
  auto h = parse_duration("25h");
  REQUIRE(h.ok());
  CHECK(subtract_calendar_duration(utc("2026-01-02 00:30"), *h) == utc("2025-12-31 23:30"));
  auto w = parse_duration("1w1h30m15s");
  REQUIRE(w.ok());
  CHECK(subtract_calendar_duration(utc("2026-01-08 01:30") + 7, *w) == utc("2026-01-01 00:00") - 15 * 1000000000LL + 7);
}

TEST_CASE("retention: --keep-tag keeps a snapshot with every tag of one list, alone or beside other rules") {
  int64_t t = utc("2026-01-01 10:00");
  std::vector<RetentionCandidate> in = {{"a", t, "h", {"/p"}, {"keep", "x"}}, {"b", t + 1, "h", {"/p"}, {"keep"}}, {"c", t + 2, "h", {"/p"}, {}}};
  RetentionPolicy tags_only;
  tags_only.keep_tags = {{"keep", "x"}};
  CHECK(run(tags_only, in) == std::vector<std::string>{"tag keep,x", "", ""});
  RetentionPolicy either;
  either.keep_last = 1;
  either.keep_tags = {{"nope"}, {"keep"}};
  CHECK(run(either, in) == std::vector<std::string>{"tag keep", "tag keep", "last"});
}
