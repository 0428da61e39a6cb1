#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/snapshot/view_diff.h"

using namespace gb;

namespace {
Entry node(const std::string& path, NodeType type = NodeType::File, uint64_t size = 0) {
  Entry e;
  e.path = path;
  e.type = type;
  e.size = size;
  e.mode = 0644;
  e.content[0] = static_cast<uint8_t>(size);
  return e;
}

EntrySource source(const std::vector<Entry>& entries) {
  auto at = std::make_shared<size_t>(0);
  return [entries, at](Entry& e) -> Result<bool> {
    if (*at == entries.size()) return false;
    e = entries[(*at)++];
    return true;
  };
}

std::vector<std::string> lines(const std::vector<Entry>& a, const std::vector<Entry>& b, DiffSummary* summary = nullptr) {
  std::vector<std::string> out;
  auto s = diff_views(source(a), source(b), [&](const ViewChange& c) -> Status {
    out.push_back(std::string(1, static_cast<char>(c.kind)) + " " + c.path());
    return {};
  });
  REQUIRE(s.ok());
  if (summary) *summary = *s;
  return out;
}
}  // namespace

TEST_CASE("diff: merge-join in path order finds each kind of change") {
  Entry chmod = node("/d/chmod", NodeType::File, 3);
  Entry chmod2 = chmod;
  chmod2.mode = 0600;
  Entry owner = node("/d/owner", NodeType::File, 3), owner2 = owner;
  owner2.uid = 7;
  Entry xattr = node("/d/x", NodeType::File, 3), xattr2 = xattr;
  xattr2.xattrs = {{"user.a", "1"}};
  Entry touched = node("/d/y", NodeType::File, 3), touched2 = touched;
  touched2.mtime_ns = 5;
  touched2.ctime_ns = 6;  // ctime and inode are identity, not restored:
  touched2.inode = 99;    // they alone are no change
  Entry same = node("/d/z", NodeType::File, 3), same2 = same;
  same2.inode = 12;
  Entry link = node("/l", NodeType::Symlink), link2 = link;
  link2.symlink_target = "elsewhere";
  Entry grown = node("/d/grown", NodeType::File, 3), grown2 = node("/d/grown", NodeType::File, 10);
  Entry edited = node("/d/edited", NodeType::File, 3), edited2 = edited;
  edited2.content[5] = 1;  // same size, other bytes
  std::vector<Entry> before = {node("/d", NodeType::Dir),
                               chmod,
                               edited,
                               node("/d/gone", NodeType::File, 4),
                               grown,
                               owner,
                               xattr,
                               touched,
                               same,
                               node("/d.txt", NodeType::File, 1),
                               node("/f", NodeType::File, 6),
                               link};
  std::vector<Entry> after = {node("/d", NodeType::Dir),
                              chmod2,
                              edited2,
                              grown2,
                              owner2,
                              xattr2,
                              touched2,
                              same2,
                              node("/d-new", NodeType::File, 8),
                              node("/d.txt", NodeType::File, 1),
                              node("/f", NodeType::Dir),
                              node("/f/in", NodeType::File, 5),
                              link2};
  DiffSummary s;
  CHECK(lines(before, after, &s) == std::vector<std::string>{"U /d/chmod", "M /d/edited", "- /d/gone", "M /d/grown", "U /d/owner", "U /d/x", "U /d/y",
                                                             "+ /d-new", "T /f", "+ /f/in", "M /l"});
  CHECK(s.added == 2);
  CHECK(s.added_bytes == 13);
  CHECK(s.removed == 1);
  CHECK(s.removed_bytes == 4);
  CHECK(s.modified == 3);
  CHECK(s.modified_bytes_before == 6);
  CHECK(s.modified_bytes_after == 13);
  CHECK(s.type_changed == 1);
  CHECK(s.metadata_changed == 4);
}

TEST_CASE("diff: one side empty, both empty, and errors stop the walk") {
  std::vector<Entry> some = {node("/a"), node("/a/b"), node("/c")};
  CHECK(lines({}, some) == std::vector<std::string>{"+ /a", "+ /a/b", "+ /c"});
  CHECK(lines(some, {}) == std::vector<std::string>{"- /a", "- /a/b", "- /c"});
  CHECK(lines({}, {}).empty());
  CHECK(lines(some, some).empty());
  auto broken = [](Entry&) -> Result<bool> { return make_error(ErrorKind::Corrupt, "log blob damaged"); };
  auto r = diff_views(source(some), broken, [](const ViewChange&) -> Status { return {}; });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "log blob damaged");
  int calls = 0;
  auto stop = diff_views(source({}), source(some), [&](const ViewChange&) -> Status {
    ++calls;
    return make_error(ErrorKind::Io, "stdout closed");
  });
  CHECK_FALSE(stop.ok());
  CHECK(calls == 1);
}
