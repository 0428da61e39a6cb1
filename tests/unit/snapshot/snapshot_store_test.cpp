#include <doctest/doctest.h>

#include <algorithm>

#include "../test_support.h"
#include "core/content/envelope.h"
#include "core/snapshot/snapshot_store.h"

using namespace gb;

namespace {
Snapshot make_snapshot(SnapshotStore& store, int64_t time_ns, const std::string& parent) {
  Snapshot s;
  s.time_ns = time_ns;
  s.hostname = std::string(1, 'h');
  s.paths = {std::string(1, '/')};
  s.parent = parent;
  s.checkpoint = parent.empty();
  s.depth = parent.empty() ? 0 : 1;
  s.log_blobs = {*random_hash()};
  REQUIRE(store.save(s).ok());
  return s;
}
// A fresh repository and its snapshot store.
struct StoreFixture : test::ScratchRepository {
  SnapshotStore store{*repo};
};
}  // namespace

TEST_CASE_FIXTURE(StoreFixture, "a forgotten snapshot leaves list and resolve but still loads for chains") {
  Snapshot a = make_snapshot(store, 1, "");
  Snapshot b = make_snapshot(store, 2, a.id);
  Snapshot c = make_snapshot(store, 3, "");
  REQUIRE(store.forget(a).ok());
  REQUIRE(store.forget(c).ok());

  auto live = store.list();
  REQUIRE(live.ok());
  REQUIRE(live->size() == 1);
  CHECK((*live)[0].id == b.id);
  auto ids = store.forgotten_ids();
  REQUIRE(ids.ok());
  std::sort(ids->begin(), ids->end());
  std::vector<std::string> want = {a.id, c.id};
  std::sort(want.begin(), want.end());
  CHECK(*ids == want);

  CHECK(store.resolve("latest")->id == b.id);
  auto by_id = store.resolve(c.id);
  REQUIRE_FALSE(by_id.ok());
  CHECK(by_id.error().kind == ErrorKind::NotFound);
  CHECK_FALSE(store.resolve(a.id.substr(0, 12)).ok());
  CHECK(store.load(a.id).ok());
  auto chain = store.chain(b);
  REQUIRE(chain.ok());
  REQUIRE(chain->size() == 2);
  CHECK((*chain)[0] == a.log_blobs);
}

TEST_CASE_FIXTURE(StoreFixture, "a tombstone moved to another name, or sealed with another key, is refused") {
  Snapshot a = make_snapshot(store, 1, "");
  Snapshot b = make_snapshot(store, 2, "");
  REQUIRE(store.forget(a).ok());
  REQUIRE(store.list()->size() == 1);

  SUBCASE("copied under the name of a snapshot nobody forgot") {
    auto sealed = repo->backend().get("forgotten/" + a.id);
    REQUIRE(sealed.ok());
    REQUIRE(repo->backend().put("forgotten/" + b.id, *sealed).ok());
  }
  SUBCASE("sealed with a key that is not the repository's") {
    Bytes payload = {1, 2};
    payload.insert(payload.end(), b.log_blobs[0].begin(), b.log_blobs[0].end());
    REQUIRE(repo->backend().put("forgotten/" + b.id, *seal_envelope(*random_hash(), EnvelopeKind::Tombstone, payload)).ok());
  }
  SUBCASE("a snapshot envelope under the tombstone's name") {
    auto sealed = repo->backend().get("snapshots/" + b.id);
    REQUIRE(sealed.ok());
    REQUIRE(repo->backend().put("forgotten/" + b.id, *sealed).ok());
  }
  auto listed = store.list();
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().kind == ErrorKind::Corrupt);
  CHECK(listed.error().message.find("forgotten/" + b.id) != std::string::npos);
  CHECK_FALSE(store.resolve(b.id).ok());
}

TEST_CASE_FIXTURE(StoreFixture, "retag stores a copy with the tags, forgets the original, and keeps its chain") {
  Snapshot a = make_snapshot(store, 1, "");
  Snapshot b = make_snapshot(store, 2, a.id);
  auto copy = store.retag(a, {"keep", "monthly"});
  REQUIRE(copy.ok());
  CHECK(copy->id != a.id);
  auto live = store.list();
  REQUIRE(live.ok());
  REQUIRE(live->size() == 2);
  CHECK((*live)[0].id == copy->id);
  CHECK((*live)[0].tags == std::vector<std::string>{"keep", "monthly"});
  CHECK((*live)[0].log_blobs == a.log_blobs);
  CHECK((*live)[0].time_ns == a.time_ns);
  // The child still names the original, which still loads.
  auto chain = store.chain(b);
  REQUIRE(chain.ok());
  CHECK((*chain)[0] == a.log_blobs);
}

TEST_CASE("tags trail the snapshot payload; a payload without them reads as untagged") {
  Snapshot s;
  s.hostname = "h";
  s.paths = {"/"};
  Bytes plain = encode_snapshot(s);
  s.tags = {"a", "b"};
  Bytes tagged = encode_snapshot(s);
  // What binaries before tags wrote and read: the same bytes up to the stats.
  REQUIRE(tagged.size() > plain.size());
  CHECK(std::equal(plain.begin(), plain.end(), tagged.begin()));
  CHECK(decode_snapshot(plain)->tags.empty());
  CHECK(decode_snapshot(tagged)->tags == s.tags);
  tagged.push_back(0);
  CHECK_FALSE(decode_snapshot(tagged).ok());
}
