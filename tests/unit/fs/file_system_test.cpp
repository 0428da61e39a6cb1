// The file-system boundary (core/fs/file_system.h) on real files: this OS's
// implementation and the portable one other systems use.
#include <doctest/doctest.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/common/fd_io.h"
#include "core/fs/file_system.h"
#include "tests/unit/test_support.h"

using namespace gb;

namespace {

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (off_t pos = 0;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, pos);
    REQUIRE(n >= 0);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    pos += n;
  }
}

size_t entries_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

std::string some_bytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 2654435761u) >> 13);
  return s;
}

}  // namespace

TEST_CASE("fs: lstat_info tells files, directories and symlinks apart, never following one") {
  test::ScratchDir tmp;
  write_file(tmp.path + "/f", "hello");
  ::chmod((tmp.path + "/f").c_str(), 04750);
  REQUIRE(::symlink("f", (tmp.path + "/l").c_str()) == 0);
  fs::FileInfo f, d, l;
  REQUIRE(fs::lstat_info(tmp.path + "/f", f));
  REQUIRE(fs::lstat_info(tmp.path, d));
  REQUIRE(fs::lstat_info(tmp.path + "/l", l));
  CHECK(f.type == fs::FileType::File);
  CHECK(f.size == 5);
  CHECK(f.mode == 04750);
  CHECK(f.links == 1);
  CHECK(d.type == fs::FileType::Dir);
  CHECK(l.type == fs::FileType::Symlink);
  CHECK(l.inode != f.inode);
  struct stat st;
  REQUIRE(::lstat((tmp.path + "/f").c_str(), &st) == 0);
  CHECK(f.mtime_ns == static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
  fs::FileInfo missing;
  CHECK_FALSE(fs::lstat_info(tmp.path + "/none", missing));
  CHECK(errno == ENOENT);
}

TEST_CASE("fs: read_symlink reads a target longer than its size hint") {
  test::ScratchDir tmp;
  std::string target(3000, 'x');
  REQUIRE(::symlink(target.c_str(), (tmp.path + "/l").c_str()) == 0);
  std::string got;
  REQUIRE(fs::read_symlink(tmp.path + "/l", 3000, got));
  CHECK(got == target);
  REQUIRE(fs::read_symlink(tmp.path + "/l", 1, got));  // a target that grew since the lstat
  CHECK(got == target);
  CHECK_FALSE(fs::read_symlink(tmp.path + "/none", 10, got));
}

TEST_CASE("fs: extended attributes are written and read back sorted, on the node itself") {
  test::ScratchDir tmp;
  std::string f = tmp.path + "/f";
  write_file(f, "x");
  const std::string big(2000, 'v');  // longer than the first buffer read_xattrs tries
  if (!fs::set_xattr_nofollow(f, "user.b", big)) {
    REQUIRE((errno == ENOTSUP || errno == EOPNOTSUPP));
    MESSAGE("SKIPPED (loudly): the scratch file system has no user xattrs");
    return;
  }
  int fd = ::open(f.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  CHECK(fs::set_xattr(fd, "user.a", "one"));
  ::close(fd);
  auto got = fs::read_xattrs(f);
  REQUIRE(got);
  REQUIRE(got->size() == 2);
  CHECK((*got)[0] == std::pair<std::string, std::string>{"user.a", "one"});
  CHECK((*got)[1].first == "user.b");
  CHECK((*got)[1].second == big);
  REQUIRE(::symlink("f", (tmp.path + "/l").c_str()) == 0);
  auto of_link = fs::read_xattrs(tmp.path + "/l");
  REQUIRE(of_link);
  CHECK(of_link->empty());  // the symlink's own, not its target's
  CHECK_FALSE(fs::read_xattrs(tmp.path + "/none"));
}

TEST_CASE("fs: open_for_reading reads a file and refuses a symlink") {
  test::ScratchDir tmp;
  write_file(tmp.path + "/f", "content");
  REQUIRE(::symlink("f", (tmp.path + "/l").c_str()) == 0);
  for (auto open : {fs::open_for_reading, fs::portable::open_for_reading}) {
    UniqueFd fd = open(tmp.path + "/f");
    REQUIRE(fd);
    fs::read_ahead(fd.get(), 0, 7);
    CHECK(read_all(fd.get()) == "content");
    UniqueFd link = open(tmp.path + "/l");
    CHECK_FALSE(link);
    CHECK(errno == ELOOP);
  }
}

TEST_CASE("fs: copy_contents copies every byte from the position on") {
  test::ScratchDir tmp;
  std::string data = some_bytes(3 << 20 | 123);
  write_file(tmp.path + "/in", data);
  int n = 0;
  for (auto copy : {fs::copy_contents, fs::portable::copy_contents}) {
    std::string to = tmp.path + "/out" + std::to_string(n++);
    UniqueFd in(::open((tmp.path + "/in").c_str(), O_RDONLY));
    UniqueFd out(::open(to.c_str(), O_RDWR | O_CREAT, 0600));
    REQUIRE(in);
    REQUIRE(out);
    REQUIRE(::lseek(in.get(), 100, SEEK_SET) == 100);
    uint64_t copied = 0;
    REQUIRE(copy(in.get(), out.get(), copied));
    CHECK(copied == data.size() - 100);
    CHECK(read_all(out.get()) == data.substr(100));
    UniqueFd dir(::open(tmp.path.c_str(), O_RDONLY | O_DIRECTORY));
    REQUIRE(::lseek(in.get(), 0, SEEK_SET) == 0);
    CHECK_FALSE(copy(in.get(), dir.get(), copied));  // a directory takes no bytes: an error, not a silent success
  }
}

TEST_CASE("fs: an anonymous temp file is read-write and leaves no name behind") {
  test::ScratchDir tmp;
  for (auto make : {fs::anonymous_temp_file, fs::portable::anonymous_temp_file}) {
    {
      auto fd = make(tmp.path);
      REQUIRE(fd);
      CHECK(write_fully(fd->get(), as_bytes(std::string("scratch"))));
      CHECK(read_all(fd->get()) == "scratch");
      CHECK((::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC) != 0);
      CHECK(entries_in(tmp.path) == 0);
    }
    CHECK(entries_in(tmp.path) == 0);
    auto none = make(tmp.path + "/missing");
    REQUIRE_FALSE(none);
    CHECK(none.error().message.find("cannot create a temporary file in " + tmp.path + "/missing") == 0);
  }
}

TEST_CASE("fs: pseudo_filesystem names proc and sysfs, and nothing for real files") {
  CHECK(fs::pseudo_filesystem("/proc") == std::optional<std::string>("proc"));
  CHECK(fs::pseudo_filesystem("/proc/self/status") == std::optional<std::string>("proc"));
  if (fs::FileInfo i; fs::lstat_info("/sys/kernel", i)) CHECK(fs::pseudo_filesystem("/sys") == std::optional<std::string>("sysfs"));
  test::ScratchDir tmp;
  CHECK_FALSE(fs::pseudo_filesystem(tmp.path));
  CHECK_FALSE(fs::pseudo_filesystem(tmp.path + "/none"));
}

TEST_CASE("fs: path_in_dir names a file through its directory's descriptor") {
  test::ScratchDir tmp;
  write_file(tmp.path + "/f", "via fd");
  UniqueFd dir(::open(tmp.path.c_str(), O_RDONLY | O_DIRECTORY));
  REQUIRE(dir);
  std::string at = fs::path_in_dir(dir.get(), "f");
  UniqueFd f(::open(at.c_str(), O_RDONLY));
  REQUIRE(f);
  CHECK(read_all(f.get()) == "via fd");
  CHECK(std::filesystem::exists(fs::executable_path()));
}

TEST_CASE("UniqueFd closes once, on scope exit, reset, or after a move") {
  int raw = ::open("/dev/null", O_RDONLY);
  REQUIRE(raw >= 0);
  {
    UniqueFd a(raw);
    UniqueFd b = std::move(a);
    CHECK_FALSE(a);
    CHECK(b.get() == raw);
    CHECK(::fcntl(raw, F_GETFD) >= 0);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);  // closed by b, and only once
  UniqueFd c(::open("/dev/null", O_RDONLY));
  int kept = c.release();
  CHECK_FALSE(c);
  CHECK(::fcntl(kept, F_GETFD) >= 0);
  c.reset(kept);
  c.reset();
  CHECK(::fcntl(kept, F_GETFD) == -1);
}
