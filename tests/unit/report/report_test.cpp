// The reports of core/report on real backups of real trees: space figures,
// the versions of one file, and dump (a file's bytes, a tree as tar read
// back with libarchive).
#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "../backup_support.h"
#include "../test_support.h"
#include "core/report/file_versions.h"
#include "core/report/snapshot_dump.h"
#include "core/report/space_stats.h"
#include "core/snapshot/snapshot_store.h"

using namespace gb;
namespace fs = std::filesystem;

namespace {

using test::random_text;
using test::read_file;
using test::write_file;

Snapshot backup(Repository& repo, const std::string& src) { return test::backup_tree(repo, src, "reporthost", "report"); }

std::vector<Snapshot> snapshots(Repository& repo) {
  SnapshotStore store(repo);
  auto all = store.list();
  REQUIRE(all.ok());
  return *all;
}

// Sets a file's mtime, so that a rewrite of equal size is seen as a change.
void set_mtime(const std::string& path, int64_t sec) {
  timespec t[2] = {{sec, 0}, {sec, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), t, 0) == 0);
}

}  // namespace

TEST_CASE("space stats: two identical trees deduplicate to about half, compressible text compresses") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  std::string src = dir.path + "/src";
  fs::create_directories(src + "/one");
  fs::create_directories(src + "/two");
  std::string noise = random_text(3 << 20, 1);  // three segments
  write_file(src + "/one/noise.bin", noise);
  write_file(src + "/two/noise.bin", noise);
  fs::create_hard_link(src + "/one/noise.bin", src + "/one/link.bin");  // counted once
  Snapshot s1 = backup(*repo, src);

  auto stats = compute_space_stats(*repo, snapshots(*repo));
  REQUIRE(stats.ok());
  REQUIRE(stats->snapshots.size() == 1);
  const SpaceFigures& f = stats->snapshots[0].figures;
  CHECK(f.files == 2);
  CHECK(f.logical_bytes == 2 * noise.size());
  CHECK(f.contents == 1);
  CHECK(f.blobs == 3);
  CHECK(f.raw_bytes == noise.size());
  CHECK(f.dedup_ratio() == doctest::Approx(2.0));
  // Random bytes do not compress; sealing adds a little.
  CHECK(f.stored_bytes >= f.raw_bytes);
  CHECK(f.compression_ratio() < 1.0);
  CHECK(f.compression_ratio() > 0.99);
  CHECK(f.metadata_bytes > 0);
  CHECK(stats->repository_bytes > f.stored_bytes);

  // A second, unchanged snapshot: logical doubles in the total, stored does not.
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "a line of very compressible text\n";
  write_file(src + "/text.txt", text);
  Snapshot s2 = backup(*repo, src);
  stats = compute_space_stats(*repo, snapshots(*repo));
  REQUIRE(stats.ok());
  REQUIRE(stats->snapshots.size() == 2);
  CHECK(stats->snapshots[1].snapshot.id == s2.id);
  const SpaceFigures& g = stats->snapshots[1].figures;
  CHECK(g.files == 3);
  CHECK(g.logical_bytes == 2 * noise.size() + text.size());
  CHECK(g.contents == 2);
  CHECK(stats->total.files == 5);
  CHECK(stats->total.logical_bytes == 4 * noise.size() + text.size());
  CHECK(stats->total.contents == 2);
  CHECK(stats->total.raw_bytes == noise.size() + text.size());
  CHECK(stats->total.dedup_ratio() == doctest::Approx(double(4 * noise.size() + text.size()) / double(noise.size() + text.size())));
  // The text alone compresses many times; the total stored is well below raw.
  CHECK(stats->total.stored_bytes < noise.size() + text.size() / 4);
  CHECK(stats->total.compression_ratio() > 1.2);
  (void)s1;
}

TEST_CASE("versions: each change of one file once, unchanged snapshots counted, absence and return") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  std::string src = dir.path + "/src";
  fs::create_directories(src);
  std::string f = src + "/notes.txt";
  write_file(src + "/other.txt", "other");
  write_file(f, "version one");
  set_mtime(f, 1000000);
  Snapshot a = backup(*repo, src);
  Snapshot b = backup(*repo, src);  // unchanged
  write_file(f, "version two, longer");
  set_mtime(f, 2000000);
  Snapshot c = backup(*repo, src);
  write_file(src + "/other.txt", "other changed");  // the file itself unchanged
  Snapshot d = backup(*repo, src);
  fs::remove(f);
  Snapshot e = backup(*repo, src);
  write_file(f, "version two, longer");  // back, same bytes, new mtime
  set_mtime(f, 3000000);
  Snapshot g = backup(*repo, src);
  CHECK_FALSE(d.checkpoint);  // delta logs: the lookup walks parents

  auto versions = find_file_versions(*repo, snapshots(*repo), f);
  REQUIRE(versions.ok());
  REQUIRE(versions->size() == 3);
  const auto& v = *versions;
  CHECK(v[0].first.id == a.id);
  CHECK(v[0].last.id == b.id);
  CHECK(v[0].snapshots == 2);
  CHECK(v[0].entry.size == 11);
  CHECK(v[1].first.id == c.id);
  CHECK(v[1].last.id == d.id);
  CHECK(v[1].snapshots == 2);
  CHECK(v[1].entry.size == 19);
  CHECK(v[2].first.id == g.id);
  CHECK(v[2].snapshots == 1);
  CHECK(v[2].entry.content == v[1].entry.content);  // same bytes, a new version (new mtime)
  CHECK(v[2].entry.mtime_ns == int64_t(3000000) * 1000000000);

  auto none = find_file_versions(*repo, snapshots(*repo), src + "/never-there");
  REQUIRE(none.ok());
  CHECK(none->empty());
  (void)e;
}

TEST_CASE("dump: a file's bytes (also a delta version) and a tree as a tar stream") {
  test::ScratchDir dir;
  auto repo = test::make_repository(dir.path, *random_hash());
  std::string src = dir.path + "/src";
  fs::create_directories(src + "/sub/deeper");
  std::string big = random_text(4 << 20, 7);
  write_file(src + "/big.bin", big);
  write_file(src + "/sub/small.txt", "small");
  write_file(src + "/sub/deeper/" + std::string("odd\xff\nname"), "odd");
  fs::create_hard_link(src + "/sub/small.txt", src + "/sub/deeper/link.txt");
  fs::create_symlink("../small.txt", src + "/sub/deeper/sym");
  backup(*repo, src);
  big[300 * 4096] ^= 0x5a;  // one block changed: stored as a delta of the first
  write_file(src + "/big.bin", big);
  Snapshot s = backup(*repo, src);
  SnapshotStore store(*repo);
  auto logs = store.chain(s);
  REQUIRE(logs.ok());

  auto entry = find_view_entry(*repo, *logs, src + "/big.bin");
  REQUIRE(entry.ok());
  REQUIRE(entry->has_value());
  CHECK(repo->index().find_delta((*entry)->content).has_value());
  std::string out = dir.path + "/out.bin";
  {
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK(dump_file(*repo, **entry, fd, dir.path).ok());
    ::close(fd);
  }
  CHECK(read_file(out) == big);
  auto missing = find_view_entry(*repo, *logs, src + "/sub/nope");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());

  std::string tar = dir.path + "/sub.tar";
  {
    int fd = ::open(tar.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    auto r = dump_tar(*repo, *logs, src + "/sub", fd, dir.path);
    ::close(fd);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    CHECK(r->entries == 6);  // sub, deeper, link, odd name, sym, small
  }
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, tar.c_str(), 10240) == ARCHIVE_OK);
  std::map<std::string, std::string> got;  // name -> data, link target or type
  archive_entry* ae;
  while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(ae);
    if (archive_entry_hardlink(ae)) {
      got[name] = std::string("hardlink:") + archive_entry_hardlink(ae);
    } else if (archive_entry_filetype(ae) == AE_IFLNK) {
      got[name] = std::string("symlink:") + archive_entry_symlink(ae);
    } else if (archive_entry_filetype(ae) == AE_IFDIR) {
      got[name] = "dir";
    } else {
      std::string data(static_cast<size_t>(archive_entry_size(ae)), '\0');
      CHECK(archive_read_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
      got[name] = data;
    }
  }
  archive_read_free(a);
  std::map<std::string, std::string> want = {
      {"sub/", "dir"},  // libarchive's reader names directories with a trailing '/'
      {"sub/deeper/", "dir"},
      {"sub/deeper/link.txt", "small"},  // the first path of the inode in the stream carries the data
      {std::string("sub/deeper/odd\xff\nname"), "odd"},
      {"sub/deeper/sym", "symlink:../small.txt"},
      {"sub/small.txt", "hardlink:sub/deeper/link.txt"},
  };
  CHECK(got == want);
}
