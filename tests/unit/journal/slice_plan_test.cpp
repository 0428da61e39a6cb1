#include <doctest/doctest.h>

#include "core/journal/slice_plan.h"
#include "tests/unit/journal/slice_records.h"

using namespace gb;

namespace {

using test::rec;

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("a modified file is stat'ed again, alone") {
  auto p = plan_slice({rec(ChangeKind::Modified, "/r/a/f")}, {"/r"});
  CHECK(p.paths == V{"/r/a/f"});
  CHECK(p.subtrees.empty());
  CHECK_FALSE(p.needs_full_scan());
}

TEST_CASE("a created or deleted name also re-stats its directory") {
  auto p = plan_slice({rec(ChangeKind::Created, "/r/a/new"), rec(ChangeKind::Deleted, "/r/b/old")}, {"/r"});
  CHECK(p.paths == V{"/r/a", "/r/a/new", "/r/b", "/r/b/old"});
}

TEST_CASE("a renamed directory is rescanned at its new name and emptied at its old one") {
  auto p = plan_slice(
      {rec(ChangeKind::RenamedFrom, "/r/old", true), rec(ChangeKind::RenamedTo, "/r/x/new", true), rec(ChangeKind::Modified, "/r/x/new/inside")},
      {"/r"});
  CHECK(p.subtrees == V{"/r/x/new"});
  CHECK(p.vanished_subtrees == V{"/r/old"});
  // The file inside the rescanned subtree is covered by the rescan.
  CHECK(p.paths == V{"/r", "/r/old", "/r/x"});
  CHECK(p.covers("/r/x/new/inside"));
  CHECK(p.covers("/r/old/anything"));
  CHECK_FALSE(p.covers("/r/y"));
}

TEST_CASE("overflow or a rescan at or above a root means a full scan of that root only") {
  auto p = plan_slice({rec(ChangeKind::Overflow, "/"), rec(ChangeKind::Modified, "/r/f")}, {"/r", "/s"});
  CHECK(p.full_roots == V{"/r", "/s"});
  CHECK(p.paths.empty());
  auto q = plan_slice({rec(ChangeKind::RescanNeeded, "/s"), rec(ChangeKind::Modified, "/r/f")}, {"/r", "/s"});
  CHECK(q.full_roots == V{"/s"});
  CHECK(q.paths == V{"/r/f"});
}

TEST_CASE("a rescan below a root is a subtree rescan, and nested subtrees collapse") {
  auto p = plan_slice({rec(ChangeKind::RescanNeeded, "/r/a/b"), rec(ChangeKind::RescanNeeded, "/r/a"), rec(ChangeKind::Created, "/r/a/b/c", true)},
                      {"/r"});
  CHECK(p.subtrees == V{"/r/a"});
  CHECK_FALSE(p.needs_full_scan());
}

TEST_CASE("records outside the roots are ignored, and a root's parent is never stat'ed") {
  auto p = plan_slice({rec(ChangeKind::Modified, "/other/f"), rec(ChangeKind::Created, "/r")}, {"/r"});
  CHECK(p.paths == V{"/r"});
  CHECK(p.records == 1);
}

TEST_CASE("cookie files are never backed up, but their directory's new mtime is") {
  auto p = plan_slice({rec(ChangeKind::Created, "/r/.gridbackup-cookie-12-0"), rec(ChangeKind::Deleted, "/r/.gridbackup-cookie-12-0")}, {"/r"});
  CHECK(p.paths == V{"/r"});
  CHECK(is_cookie_name("/r/.gridbackup-cookie-1-2"));
  CHECK_FALSE(is_cookie_name("/r/x.gridbackup-cookie-1-2"));
}

TEST_CASE("paths come out in path order ('/' lowest)") {
  auto p = plan_slice({rec(ChangeKind::Modified, "/r/a-b"), rec(ChangeKind::Modified, "/r/a/b")}, {"/r"});
  CHECK(p.paths == V{"/r/a/b", "/r/a-b"});
}

TEST_CASE("the inodes of changed files are kept, so their other names are stat'ed too") {
  auto m = rec(ChangeKind::Modified, "/r/tmp-link");
  m.inode = 77;
  auto d = rec(ChangeKind::Deleted, "/r/tmp-link");
  d.inode = 77;
  auto dir = rec(ChangeKind::Attrib, "/r/d", true);
  dir.inode = 5;
  auto p = plan_slice({m, d, dir}, {"/r"});
  CHECK(p.inodes == std::vector<uint64_t>{77});
  CHECK(p.inode_names == std::vector<std::pair<uint64_t, std::string>>{{77, "/r/tmp-link"}});
}
