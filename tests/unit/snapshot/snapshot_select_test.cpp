#include <doctest/doctest.h>

#include "../test_support.h"
#include "core/snapshot/snapshot_select.h"

using namespace gb;

namespace {
Snapshot snap(const std::string& id, const std::string& host, std::vector<std::string> paths) {
  Snapshot s;
  s.id = id;
  s.hostname = host;
  s.paths = std::move(paths);
  return s;
}
}  // namespace

TEST_CASE("snapshot_select: --host and --path as restic does") {
  std::vector<Snapshot> all = {snap("a1", "alpha", {"/home", "/etc"}), snap("b1", "beta", {"/home"}), snap("a2", "alpha", {"/srv"})};
  CHECK(select_snapshots(all, {}).size() == 3);
  auto alpha = select_snapshots(all, {{"alpha"}, {}});
  REQUIRE(alpha.size() == 2);
  CHECK(alpha.back().id == "a2");
  auto home = select_snapshots(all, {{}, {"/home"}});
  REQUIRE(home.size() == 2);
  CHECK(home[1].id == "b1");
  // Every --path must be among the snapshot's paths.
  auto both = select_snapshots(all, {{}, {"/home", "/etc"}});
  REQUIRE(both.size() == 1);
  CHECK(both[0].id == "a1");
  CHECK(select_snapshots(all, {{"alpha", "beta"}, {"/home"}}).size() == 2);
  CHECK(select_snapshots(all, {{"gamma"}, {}}).empty());
}

TEST_CASE("snapshot_select: --tag a,b means both, repeated --tag means either (restic)") {
  std::vector<Snapshot> all = {snap("a", "h", {"/"}), snap("b", "h", {"/"}), snap("c", "h", {"/"})};
  all[0].tags = {"daily", "home"};
  all[1].tags = {"daily"};
  auto ids = [&](const SnapshotFilter& f) {
    std::string out;
    for (const auto& s : select_snapshots(all, f)) out += s.id;
    return out;
  };
  CHECK(ids({{}, {}, {{"daily"}}}) == "ab");
  CHECK(ids({{}, {}, {{"daily", "home"}}}) == "a");
  CHECK(ids({{}, {}, {{"home"}, {"daily"}}}) == "ab");
  CHECK(ids({{}, {}, {{"home", "weekly"}}}).empty());
  CHECK(ids({{"h"}, {"/"}, {}}) == "abc");
  CHECK(filter_text({{"h"}, {}, {{"a", "b"}, {"c"}}}) == "host h, tagged a,b or c");
}

TEST_CASE("snapshot_select: latest --tag names what is missing") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  SnapshotStore store(*repo);
  Snapshot s = snap("", "alpha", {"/"});
  s.tags = {"daily"};
  REQUIRE(store.save(s).ok());
  CHECK(resolve_snapshot(store, "latest", {{"alpha"}, {}, {{"daily"}}})->id == s.id);
  auto none = resolve_snapshot(store, "latest", {{"alpha"}, {}, {{"weekly"}}});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("no snapshot of host alpha is tagged weekly") == 0);
}
