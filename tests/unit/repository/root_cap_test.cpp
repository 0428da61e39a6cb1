#include <doctest/doctest.h>

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
  int accepted = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string bad = text;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    if (parse_cap(bad)) ++accepted;
  }
  // 24 check bits: a change slipping through is a 1 in 16 million event.
  CHECK(accepted == 0);
  CHECK(parse_cap("").error().kind == ErrorKind::WrongKey);
  CHECK(parse_cap(text.substr(0, 30)).error().kind == ErrorKind::WrongKey);
}
