#include <doctest/doctest.h>

#include <map>
#include <random>

#include "../test_support.h"
#include "core/common/path_order.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/view_reader.h"

using namespace gb;

namespace {
Entry file(const std::string& path, uint64_t size) {
  Entry e;
  e.path = path;
  e.size = size;
  e.mode = 0644;
  e.xattrs = {{"user.a", std::string("\0\1", 2)}};
  return e;
}
Entry tombstone(const std::string& path) {
  Entry e;
  e.path = path;
  e.deleted = true;
  return e;
}
}  // namespace

TEST_CASE("entry encoding round trips every field") {
  Entry e = file("/a/\xff\xfe name", 123456789);
  e.type = NodeType::Symlink;
  e.symlink_target = "../x";
  e.mtime_ns = -5;
  e.hardlink_id = 77;
  e.flags = kNameNotUtf8;
  Writer w;
  encode_entry(e, w);
  encode_entry(tombstone("/gone"), w);
  Reader r(w.buffer());
  Entry a, b;
  REQUIRE(decode_entry(r, a));
  REQUIRE(decode_entry(r, b));
  CHECK(same_entry(a, e));
  CHECK(b.deleted);
  CHECK(b.path == "/gone");
  Reader cut(ByteView(w.buffer()).first(10));
  CHECK_FALSE(decode_entry(cut, a));
}

TEST_CASE("a view is the k-way merge of logs: newest wins, tombstones remove, order kept") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  // A model of the view, updated by random deltas, is compared with the merge.
  std::mt19937 rng(42);
  std::map<std::string, uint64_t, decltype(&path_less)> model(path_less);
  std::vector<std::vector<Hash>> logs;
  for (int round = 0; round < 6; ++round) {
    std::map<std::string, Entry, decltype(&path_less)> delta(path_less);
    for (int i = 0; i < 400; ++i) {
      std::string p = "/d" + std::to_string(rng() % 7) + (rng() % 2 ? "/" : " ") + std::to_string(rng() % 60);
      if (round > 0 && rng() % 3 == 0) {
        if (model.erase(p)) delta[p] = tombstone(p);
      } else {
        uint64_t size = rng() % 1000;
        model[p] = size;
        delta[p] = file(p, size);
      }
    }
    Packer packer(repo->backend(), repo->keys(), packs_into(repo->index()), PackerOptions{});
    LogWriter writer(packer, 512);  // tiny blobs: many blob boundaries
    for (auto& [p, e] : delta) writer.add(e);
    logs.push_back(writer.finish());
    REQUIRE(packer.finish());
  }
  ViewReader view(*repo, logs);
  std::vector<std::pair<std::string, uint64_t>> got;
  Entry e;
  while (*view.next(e)) got.emplace_back(e.path, e.size);
  std::vector<std::pair<std::string, uint64_t>> want(model.begin(), model.end());
  CHECK(got == want);
}
