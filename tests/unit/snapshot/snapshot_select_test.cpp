#include <doctest/doctest.h>

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
