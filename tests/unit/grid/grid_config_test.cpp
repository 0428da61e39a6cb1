#include <doctest/doctest.h>

#include "core/grid/grid_config.h"

using namespace gb;

TEST_CASE("grid URL: members, ids and defaults") {
  auto c = GridConfig::parse("grid:k=3|file:///srv/a|/srv/b|nas=sftp://me@nas/~/gb|s3://h/b/p?scheme=http&region=x|e=/srv/e");
  REQUIRE(c);
  CHECK(c->k == 3);
  CHECK(c->n == 5);
  CHECK(c->happy == 4);
  REQUIRE(c->members.size() == 5);
  CHECK(c->members[0].id == "file:///srv/a");
  CHECK(c->members[2].id == "nas");
  CHECK(c->members[2].url == "sftp://me@nas/~/gb");
  CHECK(c->members[3].url == "s3://h/b/p?scheme=http&region=x");  // '=' after ':' belongs to the URL
  CHECK(c->find_member("nas") == 2);
  CHECK(c->find_member("/srv/b") == 1);
  CHECK(c->find_member("nope") == -1);
  auto again = GridConfig::parse(c->format());
  REQUIRE(again);
  CHECK(again->format() == c->format());
  auto explicit_n = GridConfig::parse("grid:k=2,n=3,happy=2|/a|/b|/c|/d");
  REQUIRE(explicit_n);
  CHECK(explicit_n->n == 3);
  CHECK(explicit_n->happy == 2);
  CHECK(explicit_n->format() == "grid:k=2,n=3,happy=2|/a|/b|/c|/d");
}

TEST_CASE("grid URL: mistakes are refused with a sentence") {
  for (const char* bad :
       {"grid:", "grid:k=3", "grid:|/a", "grid:k=0|/a", "grid:k=2|/a", "grid:k=x|/a|/b", "grid:k=1,m=2|/a", "grid:k=1|/a|/a", "grid:k=1|a=/x|a=/y",
        "grid:k=1|/a||/b", "grid:k=1|grid:k=1|/a", "grid:k=1,n=3|/a|/b", "grid:k=2,happy=1|/a|/b|/c", "grid:k=1|b@d=/x"}) {
    CAPTURE(bad);
    auto c = GridConfig::parse(bad);
    REQUIRE_FALSE(c);
    CHECK(c.error().kind == ErrorKind::InvalidArgument);
    CHECK(c.error().message.find("grid:") != std::string::npos);
  }
}
