// Crafted snapshots (anyone holding the cap can write one) must not make
// restore write outside its target: names '..', '.', empty or relative, and
// a symlink from the snapshot followed by a file below it.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "../test_support.h"
#include "core/common/path_order.h"
#include "core/restore/restorer.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/snapshot_store.h"
#include "crafted_snapshot.h"

using namespace gb;
namespace fs = std::filesystem;

namespace {
Entry node(const std::string& path, NodeType type, const std::string& link = "") {
  Entry e;
  e.path = path;
  e.type = type;
  e.mode = type == NodeType::Dir ? 0755 : 0644;
  e.content = kEmptyContent;
  e.symlink_target = link;
  return e;
}

// Writes the entries as one checkpoint log and restores it into dir/target.
RestoreResult restore_crafted(Repository& repo, const std::string& target, std::vector<Entry> entries) {
  Snapshot s = test::save_crafted_snapshot(repo, std::move(entries));
  RestoreProgress progress;
  RestoreOptions opts;
  opts.target = target;
  auto result = run_restore(repo, s, opts, progress);
  REQUIRE(result.ok());
  return *result;
}

// Every path below root except those below target, the repository and `elsewhere` itself.
std::vector<std::string> outside(const std::string& root, const std::string& target) {
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string p = it->path().string();
    if (p == target || p.rfind(target + "/", 0) == 0 || p == root + "/repo" || p.rfind(root + "/repo/", 0) == 0 || p == root + "/elsewhere") continue;
    found.push_back(p);
  }
  return found;
}

bool refused(const RestoreResult& r, const std::string& path) {
  return std::any_of(r.damaged.begin(), r.damaged.end(), [&](const RestoreFailure& f) { return f.path == path; });
}
}  // namespace

TEST_CASE("crafted names '..', '.', empty or relative are refused, one message per path, nothing written outside") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  std::string target = dir.path + "/target";
  fs::create_directories(dir.path + "/elsewhere");
  auto r =
      restore_crafted(*repo, target,
                      {node("/ok", NodeType::Dir), node("/ok/f", NodeType::File), node("/..", NodeType::Dir),
                       node("/../escaped-dotdot", NodeType::File), node("/ok/../../escaped-up", NodeType::File), node("/ok/./dot", NodeType::File),
                       node("/ok//empty", NodeType::File), node("rel-escaped/f", NodeType::File), node("/ok/", NodeType::File)});
  CHECK(outside(dir.path, target).empty());
  CHECK(fs::exists(target + "/ok/f"));
  for (const char* p : {"/..", "/../escaped-dotdot", "/ok/../../escaped-up", "/ok/./dot", "/ok//empty", "rel-escaped/f", "/ok/"})
    CHECK_MESSAGE(refused(r, p), p);
  CHECK(r.damaged.size() == 7);
}

TEST_CASE("a symlink from the snapshot is never traversed by the entries below it") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  std::string target = dir.path + "/target";
  std::string elsewhere = dir.path + "/elsewhere";
  fs::create_directories(elsewhere);
  SUBCASE("absolute link") {
    auto r = restore_crafted(*repo, target,
                             {node("/a", NodeType::Symlink, elsewhere), node("/a/b", NodeType::File), node("/a/newdir", NodeType::Dir),
                              node("/a/newdir/f", NodeType::File)});
    CHECK(fs::is_empty(elsewhere));
    CHECK(outside(dir.path, target).empty());
    CHECK_FALSE(r.failures.empty());  // the link could not be made where a directory now is
  }
  SUBCASE("a link at depth, relative, pointing up and out") {
    auto r = restore_crafted(*repo, target,
                             {node("/d", NodeType::Dir), node("/d/e", NodeType::Dir), node("/d/e/up", NodeType::Symlink, "../../../elsewhere"),
                              node("/d/e/up/f", NodeType::File)});
    CHECK(fs::is_empty(elsewhere));
    CHECK(outside(dir.path, target).empty());
  }
  SUBCASE("a link restored earlier into the target is not followed by a later restore") {
    restore_crafted(*repo, target, {node("/a", NodeType::Symlink, elsewhere)});
    REQUIRE(fs::is_symlink(target + "/a"));
    auto r = restore_crafted(*repo, target, {node("/a", NodeType::Dir), node("/a/f", NodeType::File)});
    CHECK(fs::is_empty(elsewhere));
    CHECK(fs::is_directory(fs::symlink_status(target + "/a")));
    CHECK(fs::exists(target + "/a/f"));
    CHECK(r.replaced_links.size() == 1);
    auto r2 = restore_crafted(*repo, target, {node("/b", NodeType::Symlink, elsewhere)});
    auto r3 = restore_crafted(*repo, target, {node("/b/f", NodeType::File)});
    CHECK(fs::is_empty(elsewhere));
    REQUIRE(r3.failures.size() == 1);
    CHECK(r3.failures[0].message.find("symlink") != std::string::npos);
  }
}
