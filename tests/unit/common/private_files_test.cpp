#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/backup/own_files.h"
#include "core/common/private_files.h"
#include "core/common/sqlite_db.h"
#include "tests/unit/test_support.h"

using namespace gb;
using test::mode_of;

TEST_CASE("private state: 0700 dirs and 0600 files whatever the umask, open ones tightened") {
  test::ScratchDir tmp;
  mode_t old = ::umask(0);
  std::string dir = tmp.path + "/a/b/c";
  REQUIRE(make_private_dir(dir));
  CHECK(mode_of(tmp.path + "/a") == 0700);
  CHECK(mode_of(dir) == 0700);
  auto fd = open_private_file(dir + "/f", O_RDWR);
  REQUIRE(fd);
  ::close(*fd);
  CHECK(mode_of(dir + "/f") == 0600);
  sqlite3* db = *open_sqlite(dir + "/x.db", "a test database");
  REQUIRE(exec_sql(db, "CREATE TABLE t (v); INSERT INTO t VALUES (1);", "a test database"));
  CHECK(mode_of(dir + "/x.db") == 0600);
  CHECK(mode_of(dir + "/x.db-wal") == 0600);
  CHECK(mode_of(dir + "/x.db-shm") == 0600);
  sqlite3_close(db);
  ::umask(0277);  // would leave a new file 0400 (unwritable)
  REQUIRE(open_private_file(dir + "/g", O_RDWR));
  CHECK(mode_of(dir + "/g") == 0600);
  ::umask(old);
  ::chmod(dir.c_str(), 0755);
  ::chmod((dir + "/f").c_str(), 0666);
  CHECK(make_private_dir(dir));
  CHECK(ensure_private(dir + "/f"));
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir + "/f") == 0600);
  CHECK(ensure_private(dir + "/missing"));
}

TEST_CASE("own files: local repository dirs of every URL form, escaped excludes, one note") {
  CHECK(local_repository_dirs("file:///srv/gb/") == std::vector<std::string>{"/srv/gb"});
  CHECK(local_repository_dirs("/srv/gb") == std::vector<std::string>{"/srv/gb"});
  CHECK(local_repository_dirs("s3://host/bucket").empty());
  CHECK(local_repository_dirs("grid:k=2|a=file:///m/a|/m/b|sftp://me@host/x") == std::vector<std::string>{"/m/a", "/m/b"});
  std::vector<OwnPath> own = {{"the repository", "/h/re[po]"}, {"the state dir", "/h/s"}, {"the cap file", "/elsewhere/cap"}};
  auto patterns = own_exclude_patterns(own);
  CHECK(patterns[0] == "/h/re\\[po\\]");
  CHECK(own_files_note(own, {"/h"}) == "excluding the repository /h/re[po] and the state dir /h/s (GridBackup's own files)");
  CHECK(own_files_note(own, {"/x"}).empty());
  CHECK(own_files_note(own, {"/"}).find("the cap file /elsewhere/cap") != std::string::npos);
  CHECK(own_files_note(own, {"/h/s"}) == "excluding the state dir /h/s (GridBackup's own files)");
  CHECK(own_files_note(own, {"/h/re"}).empty());  // a prefix of a name is not a parent
}
