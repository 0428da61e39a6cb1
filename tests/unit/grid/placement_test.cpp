#include <doctest/doctest.h>

#include <map>
#include <set>

#include "core/grid/placement.h"

using namespace gb;

TEST_CASE("placement: a deterministic permutation per object, spread over the members") {
  std::vector<std::string> ids = {"a", "b", "c", "d", "e"};
  auto order = permuted_order("data/3f/3fa2", ids);
  CHECK(order == permuted_order("data/3f/3fa2", ids));
  CHECK(std::set<size_t>(order.begin(), order.end()) == std::set<size_t>{0, 1, 2, 3, 4});
  // The order depends on ids, not on their position in the list.
  std::vector<std::string> shuffled = {"e", "d", "c", "b", "a"};
  auto order2 = permuted_order("data/3f/3fa2", shuffled);
  for (size_t i = 0; i < order.size(); ++i) CHECK(ids[order[i]] == shuffled[order2[i]]);
  // Each member comes first for about a fifth of the objects.
  std::map<size_t, int> first;
  for (int i = 0; i < 5000; ++i) ++first[permuted_order("object-" + std::to_string(i), ids)[0]];
  for (auto [member, count] : first) CHECK(count > 800);
  CHECK(first.size() == 5);
}

TEST_CASE("placement: share object names carry the share index and the object length") {
  CHECK(share_object_name("data/3f/abc", 2, 16777216) == "data/3f/abc/s2.16777216");
  auto parsed = parse_share_object_name("data/3f/abc/s2.16777216");
  REQUIRE(parsed);
  CHECK(parsed->object == "data/3f/abc");
  CHECK(parsed->index == 2);
  CHECK(parsed->object_length == 16777216);
  auto odd = parse_share_object_name("odd/a b.s1.5/s0.0");
  REQUIRE(odd);
  CHECK(odd->object == "odd/a b.s1.5");
  for (const char* not_share : {"config", "data/3f/abc", "x/s.5", "x/s1.", "x/s01.5", "x/s1.05", "x/t1.5", "/s1.5", "x/s1.5x", "x/s300.5"})
    CHECK_FALSE(parse_share_object_name(not_share));
}
