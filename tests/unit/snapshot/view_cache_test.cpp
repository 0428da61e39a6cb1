#include <doctest/doctest.h>

#include <algorithm>

#include "core/snapshot/view_cache.h"
#include "tests/unit/test_support.h"

using namespace gb;

namespace {
Entry entry(std::string path, uint64_t inode, NodeType t = NodeType::File) {
  Entry e;
  e.path = std::move(path);
  e.type = t;
  e.inode = inode;
  e.device = 7;
  e.size = inode * 10;
  return e;
}
}  // namespace

TEST_CASE("the view cache answers lookups, subtrees and inodes, and names its snapshot") {
  test::ScratchDir dir;
  auto c = std::move(*ViewCache::open(dir.path + "/v.db"));
  CHECK(*c->snapshot_id() == "");
  REQUIRE(c->begin_update(true));
  for (auto e : {entry("/r", 1, NodeType::Dir), entry("/r/a", 2, NodeType::Dir), entry("/r/a/f", 3), entry("/r/a-b", 4), entry("/r/a/g", 3)})
    REQUIRE(c->put(e));
  REQUIRE(c->commit_update("snap1"));
  CHECK(*c->snapshot_id() == "snap1");
  auto f = *c->get("/r/a/f");
  REQUIRE(f);
  CHECK(f->size == 30);
  CHECK_FALSE(c->get("/r/zz")->has_value());
  auto below = *c->below("/r/a");
  std::vector<std::string> names;
  for (auto& e : below) names.push_back(e.path);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"/r/a/f", "/r/a/g"});  // not /r/a itself, not /r/a-b
  CHECK(c->below("/")->size() == 5);
  auto same = *c->paths_of_inode(7, 3);
  std::sort(same.begin(), same.end());
  CHECK(same == std::vector<std::string>{"/r/a/f", "/r/a/g"});
  CHECK(c->paths_of_inode(8, 3)->empty());
}

TEST_CASE("an abandoned update leaves the cache as it was") {
  test::ScratchDir dir;
  auto c = std::move(*ViewCache::open(dir.path + "/v.db"));
  REQUIRE(c->begin_update(false));
  REQUIRE(c->put(entry("/x", 1)));
  REQUIRE(c->commit_update("s1"));
  REQUIRE(c->begin_update(true));
  REQUIRE(c->remove("/x"));
  c->abandon_update();
  CHECK(*c->snapshot_id() == "s1");
  CHECK(c->get("/x")->has_value());
}
