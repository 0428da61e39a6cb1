#include <doctest/doctest.h>

#include "../test_support.h"
#include "core/service/grid_return.h"
#include "core/service/service_state.h"

using namespace gb;

TEST_CASE("grid return: a member seen down and up again is due a repair, kept across a restart") {
  test::ScratchDir dir;
  const std::string path = dir.path + "/service.db";
  {
    auto s = ServiceState::open(path);
    REQUIRE(s);
    CHECK(grid_members_returned(**s).value().empty());  // nothing seen yet
    REQUIRE(note_grid_members_down(**s, {"m4"}));
    CHECK(grid_members_returned(**s).value().empty());  // still down
    REQUIRE(note_grid_members_down(**s, {"m2"}));       // m4 back, m2 gone
  }
  auto s = ServiceState::open(path);  // a restart (kill -9) in between
  REQUIRE(s);
  CHECK(grid_members_returned(**s).value() == std::vector<std::string>{"m4"});
  REQUIRE(grid_repair_done(**s));
  CHECK(grid_members_returned(**s).value().empty());  // m2 still down: waits for its return
  REQUIRE(note_grid_members_down(**s, {}));
  CHECK(grid_members_returned(**s).value() == std::vector<std::string>{"m2"});
  REQUIRE(grid_repair_done(**s));
  CHECK(grid_members_returned(**s).value().empty());
}
