#include <doctest/doctest.h>

#include "core/common/number_text.h"

using namespace gb;

TEST_CASE("parse_uint: decimal digits and nothing else, up to a maximum") {
  CHECK(*parse_uint("0") == 0);
  CHECK(*parse_uint("007") == 7);
  CHECK(*parse_uint("18446744073709551615") == UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1.5", "1e3", "12x"}) {
    INFO(bad);
    auto r = parse_uint(bad);
    REQUIRE(!r);
    CHECK(r.error().kind == ErrorKind::InvalidArgument);
    CHECK(r.error().message == std::string("'").append(bad).append("' is not a whole number"));
  }
  CHECK(parse_uint("18446744073709551616").error().message == "'18446744073709551616' is larger than 18446744073709551615");
  CHECK(*parse_uint("65535", 65535) == 65535);
  CHECK(parse_uint("65536", 65535).error().message == "'65536' is larger than 65535");
}

TEST_CASE("parse_int: an optional minus, the whole int64 range") {
  CHECK(*parse_int("-5") == -5);
  CHECK(*parse_int("9223372036854775807") == INT64_MAX);
  CHECK(*parse_int("-9223372036854775808") == INT64_MIN);
  CHECK(!parse_int("9223372036854775808"));
  CHECK(!parse_int("-"));
  CHECK(!parse_int("--1"));
  CHECK(parse_int("x").error().message == "'x' is not a whole number in range");
}
