// copy_snapshots (core/copy): how content reaches the destination, read back
// from a freshly opened destination: a delta stays a delta on its copied
// base, content the destination has is counted present and not stored, and a
// version the destination names by a delta it cannot read is stored in full.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "../backup_support.h"
#include "../test_support.h"
#include "core/connect/open_backend.h"
#include "core/copy/snapshot_copy.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

struct Repo {
  std::string dir;
  Hash master = *random_hash();
  std::unique_ptr<Repository> repo;
  explicit Repo(const std::string& d) : dir(d) {
    std::filesystem::create_directories(dir);
    repo = test::make_repository(dir, master);
  }
  // The repository as another process sees it: everything read from storage.
  std::unique_ptr<Repository> reopened() const {
    auto backend = open_backend("file://" + dir + "/repo");
    REQUIRE(backend.ok());
    auto r = Repository::open(std::move(*backend), master);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return std::move(*r);
  }
};

// The content hash `path` has in snapshot `s`.
Hash content_of(Repository& repo, const Snapshot& s, const std::string& path) {
  auto logs = SnapshotStore(repo).chain(s);
  REQUIRE(logs.ok());
  ViewReader view(repo, *logs);
  Entry e;
  for (;;) {
    auto more = view.next(e);
    REQUIRE(more.ok());
    if (!*more) break;
    if (e.path == path) return e.content;
  }
  FAIL("no entry for " << path);
  return {};
}

std::string restored(Repository& repo, const Hash& content, uint64_t size, const std::string& scratch) {
  std::string out = scratch + "/restored";
  int fd = ::open(out.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  auto st = repo.write_content(content, size, fd, scratch);
  ::close(fd);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message));
  return test::read_file(out);
}

Result<CopyResult> copy_all(Repository& from, Repository& to, const std::string& scratch) {
  auto all = SnapshotStore(from).list();
  REQUIRE(all.ok());
  CopyOptions o;
  o.scratch_dir = scratch;
  return copy_snapshots(from, to, *all, o);
}

struct CopyFixture {
  test::ScratchDir dir;
  std::string src = dir.path + "/src", scratch = dir.path + "/scratch";
  std::string big_v1 = test::random_text(3 << 20, 7), big_v2;
  Repo a{dir.path + "/a"}, b{dir.path + "/b"};
  Snapshot s1, s2;
  CopyFixture() {
    std::filesystem::create_directories(src);
    std::filesystem::create_directories(scratch);
    test::write_file(src + "/big", big_v1);
    test::write_file(src + "/small", "small file");
    s1 = test::backup_tree(*a.repo, src, "hosta", "me");
    big_v2 = big_v1;
    big_v2.replace(1 << 20, 4096, test::random_text(4096, 8));
    test::write_file(src + "/big", big_v2);
    s2 = test::backup_tree(*a.repo, src, "hosta", "me");
  }
};

TEST_CASE_FIXTURE(CopyFixture, "copy keeps a delta a delta on its copied base, and restores it") {
  Hash v2 = content_of(*a.repo, s2, src + "/big");
  REQUIRE(a.repo->index().find_delta(v2));  // the source stored the change as a delta
  auto r = copy_all(*a.repo, *b.repo, scratch);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  CHECK(r->copied == 2);
  CHECK(r->contents_present == 0);
  CHECK(r->bytes_new == big_v1.size() + big_v2.size() + 10);
  auto fresh = b.reopened();
  CHECK(fresh->index().find_delta(v2));
  CHECK(fresh->content_present(v2, big_v2.size()));
  CHECK(fresh->index().find_signature(v2));  // the next backup can store a delta against it
  CHECK(restored(*fresh, v2, big_v2.size(), scratch) == big_v2);
  auto copies = SnapshotStore(*fresh).list();
  REQUIRE(copies.ok());
  REQUIRE(copies->size() == 2);
  CHECK((*copies)[0].checkpoint);
  CHECK_FALSE((*copies)[1].checkpoint);
  CHECK((*copies)[1].parent == (*copies)[0].id);
  CHECK((*copies)[1].time_ns == s2.time_ns);

  // Again: nothing to do.
  auto again = copy_all(*a.repo, *fresh, scratch);
  REQUIRE(again.ok());
  CHECK(again->copied == 0);
  CHECK(again->present == 2);
  CHECK(again->bytes_stored == 0);
}

TEST_CASE_FIXTURE(CopyFixture, "content the destination has is counted present, not stored again") {
  // The destination backed up the first version itself (another host).
  test::write_file(src + "/big", big_v1);
  test::backup_tree(*b.repo, src, "hostb", "me");
  auto r = copy_all(*a.repo, *b.repo, scratch);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  CHECK(r->copied == 2);
  CHECK(r->contents_present == 2);  // big v1 and small
  CHECK(r->bytes_present == big_v1.size() + 10);
  CHECK(r->contents_new == 1);
  CHECK(r->bytes_stored < (1 << 20));  // the delta, logs and a signature; no segment again
}

TEST_CASE_FIXTURE(CopyFixture, "a version the destination names by an unreadable delta is stored in full") {
  Hash v2 = content_of(*a.repo, s2, src + "/big");
  // The destination's index names a delta of v2 whose blobs are gone.
  DeltaLink stale;
  stale.base = *random_hash();
  stale.blobs = {*random_hash()};
  b.repo->index().add_delta(v2, stale);
  REQUIRE(b.repo->index().flush(b.repo->backend(), b.repo->keys().metadata).ok());
  auto dest = b.reopened();
  REQUIRE_FALSE(dest->content_present(v2, big_v2.size()));
  auto r = copy_all(*a.repo, *dest, scratch);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  auto fresh = b.reopened();
  CHECK(fresh->full_version_present(v2));
  CHECK(restored(*fresh, v2, big_v2.size(), scratch) == big_v2);
}

TEST_CASE("copy refuses to copy a repository into itself") {
  test::ScratchDir dir;
  Repo a{dir.path + "/a"};
  CopyOptions o;
  auto r = copy_snapshots(*a.repo, *a.repo, {}, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("same repository") != std::string::npos);
}

}  // namespace
}  // namespace gb
