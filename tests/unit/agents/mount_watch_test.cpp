#include <doctest/doctest.h>

#include "agents/linux/mount_watch.h"

TEST_CASE("mount_watch: mountinfo lines give mount id -> unescaped mount point") {
  std::string text =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
      "47 27 0:41 / /srv/data/with\\040space rw,relatime - tmpfs tmpfs rw\n"
      "48 47 0:42 / /srv/back\\134slash rw shared:1 - tmpfs tmpfs rw\n"
      "short line\n";
  auto m = gb::parse_mountinfo(text);
  CHECK(m.size() == 3);
  CHECK(m["22"] == "/proc");
  CHECK(m["47"] == "/srv/data/with space");
  CHECK(m["48"] == "/srv/back\\slash");
}
