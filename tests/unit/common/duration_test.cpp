// The one duration syntax (core/common/duration.h), taken by forget
// --keep-within, prune --grace/--wait and backup --audit-interval alike.
#include <doctest/doctest.h>

#include <vector>

#include "core/common/duration.h"

using namespace gb;

TEST_CASE("durations: units largest first, 'm' read by its neighbours, canonical text parses back") {
  struct Good {
    const char* text;
    int64_t seconds;
    const char* canonical;
  };
  constexpr int64_t kDay = 86400;
  for (const Good& g : std::vector<Good>{{"0", 0, "0"},
                                         {"90s", 90, "90s"},
                                         {"15min", 900, "15min"},
                                         {"1h30m", 5400, "1h30m"},
                                         {"1h30min", 5400, "1h30m"},
                                         {"5m30s", 330, "5m30s"},
                                         {"36h", 36 * 3600, "36h"},
                                         {"7d", 7 * kDay, "7d"},
                                         {"2w", 14 * kDay, "2w"},
                                         {"7d30m", 7 * kDay + 1800, "7d30m"},
                                         {"2y5m7d3h", 2 * 365 * kDay + 5 * 30 * kDay + 7 * kDay + 3 * 3600, "2y5m7d3h"},
                                         {"1y6m", 365 * kDay + 180 * kDay, "1y6m"},
                                         {"6mo", 180 * kDay, "6mo"},
                                         {"5m7d", 150 * kDay + 7 * kDay, "5m7d"},
                                         {"1mo5m", 30 * kDay + 300, "1mo5min"},
                                         {"0y1h", 3600, "1h"},
                                         {"0d", 0, "0"},
                                         {"007d", 7 * kDay, "7d"}}) {
    CAPTURE(g.text);
    auto d = parse_duration(g.text);
    REQUIRE(d.ok());
    CHECK(d->total_seconds() == g.seconds);
    CHECK(d->to_string() == g.canonical);
    auto back = parse_duration(d->to_string());
    REQUIRE(back.ok());
    CHECK(back->total_seconds() == g.seconds);
  }
  CHECK(parse_duration("2y5m7d3h")->months == 5);
  CHECK(parse_duration("1h30m")->minutes == 30);
}

TEST_CASE("durations: a lone 'm' is refused as ambiguous, and so is everything malformed") {
  auto m = parse_duration("5m");
  REQUIRE(!m);
  CHECK(m.error().kind == ErrorKind::InvalidArgument);
  CHECK(m.error().message.rfind("'5m' is not a duration: '5m' could be minutes or months (write 5min or 5mo)", 0) == 0);
  for (const char* bad : {"", "7", "90", "d", "7x", "7d7d", "3h2d", "1s1m", "-1d", "1.5d", "1.5h", "7 d", " 7d", "7d ", "99999999y", "201y", "7D",
                          "1m1m", "5mo5m5mo"}) {
    CAPTURE(bad);
    auto d = parse_duration(bad);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().kind == ErrorKind::InvalidArgument);
    CHECK(d.error().message.find("is not a duration") != std::string::npos);
  }
}
