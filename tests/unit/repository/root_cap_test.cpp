#include <doctest/doctest.h>

#include "../test_support.h"
#include "core/crypto/keys.h"
#include "core/repository/root_cap.h"

using namespace gb;

TEST_CASE("root cap round trips and stays short") {
  RootCap cap{*random_hash(), "file:///home/someone/.local/share/gridbackup/repository"};
  std::string text = format_cap(cap);
  CHECK(text.size() <= 200);
  auto back = parse_cap(text + "\n");
  REQUIRE(back);
  CHECK(back->master == cap.master);
  CHECK(back->url == cap.url);
}

TEST_CASE("root cap: every single-character change is refused") {
  std::string text = format_cap({*random_hash(), "file:///r"});
  // 24 check bits: a change slipping through is a 1 in 16 million event.
  CHECK(test::single_character_changes_accepted(text, [](const std::string& bad) { return bool(parse_cap(bad)); }) == 0);
  CHECK(parse_cap("").error().kind == ErrorKind::WrongKey);
  CHECK(parse_cap(text.substr(0, 30)).error().kind == ErrorKind::WrongKey);
}
