#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/connect/open_backend.h"
#include "core/crypto/sha256.h"
#include "core/repository/prune_plan.h"
#include "core/repository/repository_lock.h"
#include "core/storage/backend.h"
#include "tests/unit/test_support.h"

namespace gb {
namespace {

Hash key() { return sha256(as_bytes("metadata key")); }

std::unique_ptr<Backend> scratch_backend(const test::ScratchDir& dir) {
  auto b = open_backend("file://" + dir.path + "/repo");
  REQUIRE(b);
  REQUIRE((*b)->create());
  return std::move(*b);
}

}  // namespace

TEST_CASE("prune plan round trips; a missing plan is none") {
  test::ScratchDir dir;
  auto backend = scratch_backend(dir);
  auto none = load_prune_plan(*backend, key());
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  PrunePlan p;
  p.created_ns = 1234567890123;
  p.candidates = {sha256(as_bytes("x")), sha256(as_bytes("y"))};
  p.index_objects = {"index/aa", "index/bb"};
  p.unindexed_packs = {"p1"};
  p.locks_at_creation = {"locks/backup-01", "locks/upload-02"};
  p.condemned_packs = {"p2", "p3"};
  REQUIRE(store_prune_plan(*backend, key(), p));
  auto back = load_prune_plan(*backend, key());
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK((*back)->created_ns == p.created_ns);
  CHECK((*back)->candidates == p.candidates);
  CHECK((*back)->index_objects == p.index_objects);
  CHECK((*back)->unindexed_packs == p.unindexed_packs);
  CHECK((*back)->locks_at_creation == p.locks_at_creation);
  CHECK((*back)->condemned_packs == p.condemned_packs);
  // Another key cannot read (or forge) it.
  CHECK_FALSE(load_prune_plan(*backend, sha256(as_bytes("other key"))));
}

TEST_CASE("locks: shared ones coexist, the exclusive one is refused while another lives, a killed holder's lock is stale") {
  test::ScratchDir dir;
  auto backend = scratch_backend(dir);
  {
    auto s1 = RepositoryLock::shared(*backend, key(), "backup", "alpha");
    auto s2 = RepositoryLock::shared(*backend, key(), "backup", "beta");
    REQUIRE(s1);
    REQUIRE(s2);
    auto locks = list_locks(*backend, key());
    REQUIRE(locks);
    CHECK(locks->size() == 2);
    auto x1 = RepositoryLock::exclusive(*backend, key(), "prune", "alpha");
    REQUIRE(x1);  // shared locks never block the exclusive one
    auto x2 = RepositoryLock::exclusive(*backend, key(), "prune", "gamma");
    REQUIRE_FALSE(x2);
    CHECK(x2.error().message.find("another prune is running") != std::string::npos);
    CHECK(list_locks(*backend, key())->size() == 3);  // the refused one left nothing behind
    REQUIRE((*s1)->note_plan_seen(777));
    auto after = list_locks(*backend, key());
    REQUIRE(after);
    int seen = 0;
    for (const auto& l : *after) seen += l.name == (*s1)->name() && l.plan_seen_ns == 777;
    CHECK(seen == 1);  // stored at once, not at the next refresh
  }
  CHECK(list_locks(*backend, key())->empty());  // released on destruction

  // A child takes the exclusive lock and dies without releasing it.
  pid_t child = ::fork();
  if (child == 0) {
    auto x = RepositoryLock::exclusive(*backend, key(), "prune", "child");
    ::_exit(x ? 0 : 1);  // no destructors: the lock object stays
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto locks = list_locks(*backend, key());
  REQUIRE(locks);
  REQUIRE(locks->size() == 1);
  CHECK((*locks)[0].stale);
  CHECK((*locks)[0].pid == child);
  auto x = RepositoryLock::exclusive(*backend, key(), "prune", "alpha");
  CHECK(x);  // the dead holder's lock does not block, and is removed
  CHECK(list_locks(*backend, key())->size() == 1);
}
}  // namespace gb
