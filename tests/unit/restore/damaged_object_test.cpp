// Restore names the repository object at fault from the error's own field,
// not from its message text.
#include <doctest/doctest.h>

#include "../test_support.h"
#include "core/crypto/sha256.h"
#include "core/restore/restorer.h"
#include "crafted_snapshot.h"

using namespace gb;

TEST_CASE("a missing pack is listed by its object name among the damaged objects") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  Bytes data(1000, 0x5a);
  Hash content = sha256(data);
  {
    Packer packer(repo->backend(), repo->keys(), packs_into(repo->index()), PackerOptions{});
    REQUIRE(packer.add(BlobType::Data, content, data));
    REQUIRE(packer.finish());
  }
  auto packs = repo->backend().list("data/");
  REQUIRE(packs);
  REQUIRE(packs->size() == 1);
  const std::string lost = packs->front().name;
  REQUIRE(repo->backend().remove(lost));

  Entry dir_entry;
  dir_entry.path = "/d";
  dir_entry.type = NodeType::Dir;
  dir_entry.mode = 0755;
  dir_entry.content = kEmptyContent;
  Entry file = dir_entry;
  file.path = "/d/f";
  file.type = NodeType::File;
  file.mode = 0644;
  file.content = content;
  file.size = data.size();
  Snapshot s = test::save_crafted_snapshot(*repo, {dir_entry, file});

  RestoreProgress progress;
  RestoreOptions opts;
  opts.target = dir.path + "/target";
  auto r = run_restore(*repo, s, opts, progress);
  REQUIRE(r.ok());
  REQUIRE(r->damaged.size() == 1);
  CHECK(r->damaged[0].path == "/d/f");
  CHECK(r->damaged_objects == std::set<std::string>{lost});
}
