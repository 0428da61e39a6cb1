// gridbackup-replay's --map and dialect table.
#include <doctest/doctest.h>

#include "agents/replay/dialects.h"
#include "agents/replay/path_map.h"

namespace gb {

TEST_CASE("replay --map rewrites whole leading components, the longest rule first") {
  auto m = PathMap::parse({"/mnt/gbrec=/srv/x", "/mnt/gbrec/root=/data"});
  REQUIRE(m);
  CHECK(m->apply("/mnt/gbrec/root/a") == "/data/a");
  CHECK(m->apply("/mnt/gbrec/other") == "/srv/x/other");
  CHECK(m->apply("/mnt/gbrec") == "/srv/x");
  CHECK(m->apply("/mnt/gbrecord/a") == "/mnt/gbrecord/a");
  CHECK(m->apply("/elsewhere") == "/elsewhere");
}

TEST_CASE("replay --map turns a Windows path into a POSIX one") {
  auto m = PathMap::parse({"C:\\=/mnt/c", "\\\\server\\share=/net/s/"});
  REQUIRE(m);
  CHECK(m->apply("C:\\Users\\Ann\\file.txt") == "/mnt/c/Users/Ann/file.txt");
  CHECK(m->apply("c:\\x") == "/mnt/c/x");  // drive letters ignore case
  CHECK(m->apply("C:\\") == "/mnt/c");
  CHECK(m->apply("\\\\server\\share\\d\\f") == "/net/s/d/f");
  CHECK(m->apply("D:\\x") == "D:\\x");
}

TEST_CASE("replay --map rejects a rule without FROM=TO") {
  CHECK_FALSE(PathMap::parse({"nothing"}));
  CHECK_FALSE(PathMap::parse({"=/x"}));
  CHECK_FALSE(PathMap::parse({"/x="}));
}

TEST_CASE("replay knows the fanotify dialect and no unknown one") {
  CHECK(make_translator("fanotify", {{"roots", "/\n"}}) != nullptr);
  CHECK(make_translator("bogus", {}) == nullptr);
}

}  // namespace gb
