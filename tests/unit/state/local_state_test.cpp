// LocalState: where each file of the state dir is, made private on the way.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/crypto/keys.h"
#include "core/journal/change_journal.h"
#include "core/queue/upload_queue.h"
#include "core/snapshot/view_cache.h"
#include "core/state/local_state.h"
#include "tests/unit/test_support.h"

using namespace gb;
using test::mode_of;

namespace {

// Sets an environment variable for one scope.
struct EnvVar {
  std::string name;
  std::optional<std::string> old;
  EnvVar(const char* n, const char* value) : name(n) {
    if (const char* v = std::getenv(n)) old = v;
    if (value)
      ::setenv(n, value, 1);
    else
      ::unsetenv(n);
  }
  ~EnvVar() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("local state: the dir is --state-dir, else the environment's, else under XDG_STATE_HOME") {
  EnvVar xdg("XDG_STATE_HOME", "/x/state");
  {
    EnvVar none("GRIDBACKUP_STATE_DIR", nullptr);
    CHECK(LocalState::locate(std::nullopt).dir() == "/x/state/gridbackup");
    CHECK_FALSE(LocalState::locate(std::nullopt).given());
  }
  EnvVar env("GRIDBACKUP_STATE_DIR", "/from/env");
  CHECK(LocalState::locate(std::nullopt).dir() == "/from/env");
  CHECK_FALSE(LocalState::locate(std::nullopt).given());
  CHECK(LocalState::locate(std::string("/given")).dir() == "/given");
  CHECK(LocalState::locate(std::string("/given")).given());
}

TEST_CASE("local state: every file has its one place, and what is made is private whatever the umask") {
  test::ScratchDir tmp;
  Hash master = *random_hash();
  auto repo = test::make_repository(tmp.path, master);
  const std::string dir = tmp.path + "/state";
  const LocalState state(dir);
  const std::string id = LocalState::repository_id(*repo);
  CHECK(id == to_hex(repo->config().repository_id));
  CHECK(state.journal_path() == dir + "/journal.db");
  CHECK(state.agent_lock_path() == dir + "/agent.lock");
  CHECK(state.repository_dir(*repo) == dir + "/" + id);
  CHECK(state.staging_dir(*repo) == dir + "/" + id + "/staging");
  CHECK(state.seen_objects_path(*repo) == dir + "/" + id + "/seen-objects");
  CHECK(state.scratch_dir() == dir);

  mode_t old = ::umask(0);
  auto queue = state.open_queue(*repo);
  auto cache = state.open_view_cache(*repo, std::string("host\0/root", 10));
  auto journal = state.open_journal();
  auto cursor = state.grid_cursor("grid:k=2&m=file:///a,file:///b", "verify");
  ::umask(old);
  REQUIRE(queue);
  REQUIRE(cache);
  REQUIRE(journal);
  REQUIRE(cursor);
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir + "/" + id) == 0700);
  CHECK(mode_of(dir + "/" + id + "/views") == 0700);
  CHECK(mode_of(dir + "/" + id + "/queue.db") == 0600);
  CHECK(mode_of(state.journal_path()) == 0600);
  REQUIRE(state.view_cache_paths().size() == 1);
  CHECK(mode_of(state.view_cache_paths()[0]) == 0600);  // it lists every path in plaintext
  CHECK(mode_of(std::filesystem::path(*cursor).parent_path().string()) == 0700);
  CHECK(cursor->rfind(dir + "/grid-", 0) == 0);
  CHECK(std::filesystem::path(*cursor).filename() == "verify.cursor");
  // One snapshot line, one cache: the same key finds the same file.
  CHECK(state.open_view_cache(*repo, std::string("host\0/root", 10)));
  CHECK(state.view_cache_paths().size() == 1);
  CHECK(state.open_view_cache(*repo, "other host"));
  CHECK(state.view_cache_paths().size() == 2);
}

TEST_CASE("local state: the agent runs exactly while someone holds its lock") {
  test::ScratchDir tmp;
  const LocalState state(tmp.path);
  CHECK_FALSE(state.agent_running());
  CHECK_FALSE(state.has_journal());
  CHECK_FALSE(state.existing_journal());
  CHECK(state.existing_journal().error().kind == ErrorKind::NotFound);
  int fd = ::open(state.agent_lock_path().c_str(), O_RDWR | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  CHECK_FALSE(state.agent_running());  // the file alone says nothing
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  CHECK(state.agent_running());
  ::close(fd);
  CHECK_FALSE(state.agent_running());
}

TEST_CASE("local state: a given dir, or one with a journal, is its own journal home") {
  test::ScratchDir tmp;
  CHECK(LocalState(tmp.path, true).journal_home().dir() == tmp.path);
  const LocalState found(tmp.path, false);
  REQUIRE(found.open_journal());
  CHECK(found.journal_home().dir() == tmp.path);
}
