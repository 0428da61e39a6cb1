#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/snapshot/view_cache.h"
#include "core/state/local_state.h"
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

TEST_CASE("a put keeps inode lookups right whether the inode stays or changes") {
  test::ScratchDir dir;
  auto c = std::move(*ViewCache::open(dir.path + "/v.db"));
  REQUIRE(c->begin_update(false));
  REQUIRE(c->put(entry("/r/f", 5)));
  auto edited = entry("/r/f", 5);
  edited.size = 99;
  REQUIRE(c->put(edited));  // same inode: updated in place
  REQUIRE(c->put(entry("/r/g", 6)));
  REQUIRE(c->put(entry("/r/g", 8)));  // replaced by another file
  REQUIRE(c->commit_update("s1"));
  CHECK((*c->get("/r/f"))->size == 99);
  CHECK(*c->paths_of_inode(7, 5) == std::vector<std::string>{"/r/f"});
  CHECK(c->paths_of_inode(7, 6)->empty());
  CHECK(*c->paths_of_inode(7, 8) == std::vector<std::string>{"/r/g"});
}

TEST_CASE("the agent folds a view cache's log into it; a log whose cache was deleted is ignored") {
  test::ScratchDir state;
  std::string views = state.path + "/0123abcd/views";
  std::filesystem::create_directories(views);
  std::string db = views + "/c.db";
  {
    auto c = std::move(*ViewCache::open(db));
    REQUIRE(c->begin_update(false));
    for (uint64_t i = 1; i <= 200; ++i) REQUIRE(c->put(entry("/r/f" + std::to_string(i), i)));
    REQUIRE(c->commit_update("s1"));
  }
  // Closing does not fold (that was on the backup's clock): the log stays.
  CHECK(std::filesystem::file_size(db + "-wal") > 0);
  CHECK(fold_view_cache_logs(LocalState(state.path).view_cache_paths()) == 1);
  CHECK(std::filesystem::file_size(db + "-wal") == 0);
  {
    auto c = std::move(*ViewCache::open(db));
    CHECK(*c->snapshot_id() == "s1");
    CHECK((*c->get("/r/f200"))->size == 2000);
    REQUIRE(c->begin_update(false));
    REQUIRE(c->put(entry("/r/late", 1000)));
    REQUIRE(c->commit_update("s2"));
  }
  // Someone deletes the cache to rebuild it, leaving its log behind: the
  // old pages must not be laid over the new, empty file (SQLite drops the
  // log of an empty database; this holds it to that).
  CHECK(std::filesystem::file_size(db + "-wal") > 0);
  std::filesystem::remove(db);
  auto fresh = std::move(*ViewCache::open(db));
  CHECK(*fresh->snapshot_id() == "");
  CHECK_FALSE(fresh->get("/r/late")->has_value());
}
