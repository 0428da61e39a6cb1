#include <doctest/doctest.h>

#include <algorithm>

#include "core/connect/open_backend.h"
#include "core/crypto/sha256.h"
#include "core/index/index_object.h"
#include "core/storage/backend.h"
#include "tests/unit/test_support.h"

namespace gb {
namespace {

Hash h(const char* s) { return sha256(as_bytes(s)); }

IndexObject sample(const char* tag) {
  IndexObject o;
  o.packs.push_back({std::string("pack-") + tag, {PackedBlob{BlobType::Data, h(tag), 0, 100, 90}}});
  o.links.push_back({h("content"), {h(tag), h("other")}});
  o.signatures.push_back({h("content"), h("sig")});
  o.deltas.push_back({h("v2"), DeltaLink{h("content"), 1, {h("d1"), h("d2")}}});
  return o;
}

}  // namespace

TEST_CASE("index object: versions 1 and 2 round trip") {
  IndexObject v1 = sample("a");
  auto back = decode_index_object(encode_index_object(v1));
  REQUIRE(back);
  CHECK(back->supersedes.empty());
  REQUIRE(back->packs.size() == 1);
  CHECK(back->packs[0].first == "pack-a");
  CHECK(back->packs[0].second[0].hash == h("a"));
  CHECK(back->links[0].second == std::vector<Hash>{h("a"), h("other")});
  CHECK(back->signatures[0].second == h("sig"));
  CHECK(back->deltas[0].second.base == h("content"));
  CHECK(back->deltas[0].second.blobs.size() == 2);
  CHECK(encode_index_object(v1)[0] == 1);  // what backups write stays version 1

  IndexObject v2 = sample("b");
  v2.supersedes = {"index/aaaa", "index/bbbb"};
  auto back2 = decode_index_object(encode_index_object(v2));
  REQUIRE(back2);
  CHECK(back2->supersedes == v2.supersedes);
  CHECK(back2->packs[0].first == "pack-b");

  Bytes truncated = encode_index_object(v2);
  truncated.resize(truncated.size() - 5);
  CHECK_FALSE(decode_index_object(truncated));
}

TEST_CASE("index objects: an object that replaces others hides them from readers") {
  test::ScratchDir dir;
  Hash key = h("metadata key");
  auto backend = open_backend("file://" + dir.path + "/repo");
  REQUIRE(backend);
  REQUIRE((*backend)->create());
  auto a = store_index_object(**backend, key, sample("a"));
  auto b = store_index_object(**backend, key, sample("b"));
  REQUIRE(a);
  REQUIRE(b);
  IndexObject merged = sample("c");
  merged.supersedes = {*a};
  auto c = store_index_object(**backend, key, merged);
  REQUIRE(c);

  auto loaded = load_index_objects(**backend, key);
  REQUIRE(loaded);
  std::vector<std::string> names;
  for (const auto& [name, o] : loaded->objects) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::vector<std::string> want{*b, *c};
  std::sort(want.begin(), want.end());
  CHECK(names == want);
  CHECK(loaded->superseded_present == std::vector<std::string>{*a});

  LinkIndex index;
  REQUIRE(index.load(**backend, key));
  CHECK_FALSE(index.has_blob(h("a")));  // only in the replaced object
  CHECK(index.has_blob(h("b")));
  CHECK(index.has_blob(h("c")));
}

TEST_CASE("link index: a planned object's candidates still read but count as absent; a newer copy counts") {
  std::unordered_set<Hash, HashHasher> candidates{h("a"), h("d2"), h("sig")};
  LinkIndex index;
  index.merge_planned(sample("a"), candidates);
  CHECK_FALSE(index.has_blob(h("a")));         // nothing new may refer to it...
  CHECK(index.find_blob(h("a")));              // ...but a snapshot committed meanwhile still reads it
  CHECK(index.has_blob(h("other")) == false);  // never stored at all
  // A new copy (this process stores it again): usable, at the new place.
  index.add_pack("pack-new", {PackedBlob{BlobType::Data, h("a"), 0, 100, 90}});
  REQUIRE(index.has_blob(h("a")));
  CHECK(index.pack_name(index.find_blob(h("a"))->pack) == "pack-new");

  // A copy stored after the plan, in a newer object merged first: not doomed.
  LinkIndex again;
  IndexObject newer;
  newer.packs.push_back({"pack-newer", {PackedBlob{BlobType::Data, h("a"), 0, 100, 90}}});
  again.merge_object(newer);
  again.merge_planned(sample("a"), candidates);
  CHECK(again.has_blob(h("a")));
  CHECK(again.pack_name(again.find_blob(h("a"))->pack) == "pack-newer");

  // A plan taken in later dooms what is there now.
  LinkIndex later;
  later.merge_object(sample("a"));
  REQUIRE(later.has_blob(h("a")));
  later.doom_blobs(candidates);
  CHECK_FALSE(later.has_blob(h("a")));
  CHECK(later.find_blob(h("a")));
}

}  // namespace gb
