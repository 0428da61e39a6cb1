#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "agents/linux/shared_mappings.h"

namespace {

// Lines as Linux 6.18 prints them (the path column padded with spaces).
const char* kMaps =
    "55d94fea5000-55d94fea7000 r--p 00000000 fd:01 1312                       /usr/bin/sleep\n"
    "7f1c00000000-7f1c00001000 rw-s 00000000 07:00 12                         /srv/data/db.sqlite-shm\n"
    "7f1c00001000-7f1c00002000 rw-s 00001000 07:00 12                         /srv/data/db.sqlite-shm\n"
    "7f1c00002000-7f1c00003000 -w-s 00000000 07:00 13                         /srv/data/write\\012only\n"
    "7f1c00003000-7f1c00004000 r--s 00000000 07:00 14                         /srv/data/read-now (deleted)\n"
    "7f1c00004000-7f1c00005000 rw-p 00000000 07:00 15                         /srv/data/private-copy\n"
    "7f1c00005000-7f1c00006000 rw-s 00000000 00:01 1024                       /dev/zero (deleted)\n"
    "7f1c00006000-7f1c00007000 rw-s 00000000 00:00 0 \n"
    "7f1c00007000-7f1c00008000 rw-s 00000000 00:06 33                         /SYSV00000000 (deleted)\n"
    "7ffd5c9d1000-7ffd5c9f2000 rw-p 00000000 00:00 0                          [stack]\n"
    "7f1c00008000-7f1c00009000 rw-s 00000000 07:00 16                         /var/lib/gridbackup/journal.sqlite-shm\n"
    "torn line";

}  // namespace

TEST_CASE("shared_mappings: only file-backed MAP_SHARED lines, each file once, newlines unescaped") {
  auto m = gb::parse_shared_mappings(kMaps);
  std::set<std::string> paths;
  for (const auto& x : m) paths.insert(x.path);
  CHECK(paths == std::set<std::string>{"/srv/data/db.sqlite-shm", "/srv/data/write\nonly", "/srv/data/read-now (deleted)", "/dev/zero (deleted)",
                                       "/SYSV00000000 (deleted)", "/var/lib/gridbackup/journal.sqlite-shm"});
  REQUIRE(m.size() == 6);
  CHECK(m[0].inode == 12);
  CHECK(m[0].unlinked.empty());
  CHECK(m[2].path == "/srv/data/read-now (deleted)");
  CHECK(m[2].unlinked == "/srv/data/read-now");
  CHECK(m[2].inode == 14);
}

TEST_CASE("shared_mappings: records for files below the roots, not the state dir; an unlinked name only when the printed one is another file") {
  auto m = gb::parse_shared_mappings(kMaps);
  // A file really named "read-now (deleted)" would be inode 14 at its printed
  // path; here that name holds nothing, so the mapping's file was unlinked.
  auto names_inode = [](const std::string& path, uint64_t inode) { return path == "/srv/data/db.sqlite-shm" && inode == 12; };
  std::vector<gb::ChangeRecord> out;
  gb::mapping_records(m, {"/srv/data", "/var/lib"}, {"aa", "bb"}, {"/var/lib/gridbackup"}, 7, names_inode, out);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == gb::ChangeRecord{"aa", "/srv/data/db.sqlite-shm", gb::ChangeKind::Modified, false, 7, 0, 12});
  CHECK(out[1] == gb::ChangeRecord{"aa", "/srv/data/write\nonly", gb::ChangeKind::Modified, false, 7, 0, 13});
  CHECK(out[2] == gb::ChangeRecord{"aa", "/srv/data/read-now", gb::ChangeKind::Modified, false, 7, 0, 14});

  // The same mapping printed by two processes is one record; a live file
  // whose name ends in " (deleted)" keeps its name.
  auto live = [](const std::string& path, uint64_t inode) { return path == "/srv/data/read-now (deleted)" && inode == 14; };
  m.push_back(m[0]);
  out.clear();
  gb::mapping_records(m, {"/srv/data"}, {"aa"}, {}, 7, live, out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].path == "/srv/data/db.sqlite-shm");
  CHECK(out[2].path == "/srv/data/read-now (deleted)");
}

namespace {

// A file of one page in `dir`, mapped MAP_SHARED (writable when `write`) or
// MAP_PRIVATE, its descriptor closed at once (the mapping keeps the file).
void* map_file(const std::string& path, bool shared, bool write) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, 4096) == 0);
  void* p = ::mmap(nullptr, 4096, PROT_READ | (write ? PROT_WRITE : 0), shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
  ::close(fd);
  REQUIRE(p != MAP_FAILED);
  return p;
}

uint64_t inode_of(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("shared_mappings: this process's real mappings, from the kernel's query and from the text alike") {
  char tmpl[] = "/tmp/gb-shared-mappings-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  std::string dir = tmpl;
  void* rw = map_file(dir + "/written", true, true);
  void* ro = map_file(dir + "/read-only", true, false);
  void* priv = map_file(dir + "/private", false, true);
  void* gone = map_file(dir + "/unlinked", true, true);
  uint64_t rw_ino = inode_of(dir + "/written"), ro_ino = inode_of(dir + "/read-only"), gone_ino = inode_of(dir + "/unlinked");
  REQUIRE(::unlink((dir + "/unlinked").c_str()) == 0);
  static_cast<char*>(rw)[0] = 'x';
  for (bool kernel_query : {true, false}) {
    CAPTURE(kernel_query);
    std::vector<gb::ChangeRecord> out;
    auto scan = gb::shared_mapping_records({dir}, {"fs"}, {}, 9, out, kernel_query);
    CHECK(scan.processes >= 1);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    REQUIRE(out.size() == 3);
    CHECK(out[0] == gb::ChangeRecord{"fs", dir + "/read-only", gb::ChangeKind::Modified, false, 9, 0, ro_ino});
    CHECK(out[1] == gb::ChangeRecord{"fs", dir + "/unlinked", gb::ChangeKind::Modified, false, 9, 0, gone_ino});
    CHECK(out[2] == gb::ChangeRecord{"fs", dir + "/written", gb::ChangeKind::Modified, false, 9, 0, rw_ino});
  }
  for (void* p : {rw, ro, priv, gone}) ::munmap(p, 4096);
  std::filesystem::remove_all(dir);
}
