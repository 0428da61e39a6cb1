#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include <set>

#include "../test_support.h"
#include "core/common/clock.h"
#include "core/crypto/sha256.h"
#include "core/queue/priority.h"
#include "core/queue/upload_queue.h"

using namespace gb;

namespace {
Entry file(const std::string& path, uint64_t size, int64_t mtime_s, uint32_t uid = 0) {
  Entry e;
  e.path = path;
  e.size = size;
  e.mtime_ns = mtime_s * 1000000000LL;
  e.uid = uid;
  return e;
}
long peak_rss_kb() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}
}  // namespace

TEST_CASE("priority: rules, then user files, then small, then new") {
  auto raw = PriorityPolicy::parse_rule("*.CR2=high");
  REQUIRE(raw);
  auto cache = PriorityPolicy::parse_rule("*/.cache/*=low");
  REQUIRE(cache);
  PriorityPolicy p({*raw, *cache});
  int64_t now = 1700000000;
  CHECK(p.priority(file("/srv/photo.CR2", 30 << 20, now - 86400 * 365)) > p.priority(file("/home/a/notes.txt", 10, now)));
  CHECK(p.priority(file("/home/a/.cache/x", 10, now)) < p.priority(file("/usr/lib/libc.so", 2 << 20, now - 86400 * 900)));
  CHECK(p.priority(file("/home/a/doc", 100 << 20, now)) > p.priority(file("/usr/share/doc", 10, now)));          // user first
  CHECK(p.priority(file("/home/a/small", 1000, now - 1000)) > p.priority(file("/home/a/large", 1 << 30, now)));  // small first
  CHECK(p.priority(file("/home/a/new", 1000, now)) > p.priority(file("/home/a/old", 1000, now - 86400)));        // then newer
  CHECK(p.priority(file("/opt/x", 10, now, 1001)) > p.priority(file("/opt/y", 10, now, 0)));                     // uid >= 1000 is a user
  CHECK(!PriorityPolicy::parse_rule("*.x=urgent"));
  CHECK(!PriorityPolicy::parse_rule("=high"));
}

TEST_CASE("upload queue: persistent, ordered by priority, deduplicated, paged with bounded memory") {
  test::ScratchDir dir;
  std::string db = dir.path + "/queue.db";
  const int n = 200000;
  {
    auto q = UploadQueue::open(db);
    REQUIRE(q);
    std::vector<UploadJob> jobs;
    for (int i = 0; i < n; ++i) {
      UploadJob j;
      j.priority = (i * 7919) % 1000;
      j.content = sha256(as_bytes(std::to_string(i)));
      j.path = "/f/" + std::to_string(i);
      j.size = static_cast<uint64_t>(i);
      jobs.push_back(std::move(j));
    }
    REQUIRE((*q)->enqueue(jobs));
    REQUIRE((*q)->enqueue({jobs[0], jobs[1]}));  // the same job twice is one job
  }
  long rss_before = peak_rss_kb();
  auto q = UploadQueue::open(db);  // reopened: the queue survived its process object
  REQUIRE(q);
  auto st = (*q)->stats();
  REQUIRE(st);
  CHECK(st->jobs == static_cast<uint64_t>(n));
  int64_t prio = INT64_MAX, id = 0, last_prio = INT64_MAX;
  size_t seen = 0;
  bool ordered = true;
  for (;;) {
    auto batch = (*q)->next_batch(1000, prio, id);
    REQUIRE(batch);
    if (batch->empty()) break;
    for (const auto& j : *batch) {
      ordered = ordered && j.priority <= last_prio;
      last_prio = j.priority;
      prio = j.priority;
      id = j.id;
    }
    seen += batch->size();
  }
  CHECK(ordered);
  CHECK(seen == static_cast<size_t>(n));
  // Paging through 200k jobs holds one batch at a time, not the queue.
  MESSAGE("peak RSS grew by " << (peak_rss_kb() - rss_before) << " KiB while paging " << n << " jobs");
  CHECK(peak_rss_kb() - rss_before < 64 * 1024);

  REQUIRE((*q)->mark_unstable("/f/1"));
  CHECK(*(*q)->is_unstable("/f/1"));
  REQUIRE((*q)->clear_unstable("/f/1"));
  CHECK_FALSE(*(*q)->is_unstable("/f/1"));
}

TEST_CASE("upload queue: a newer version of a path supersedes its older queued versions") {
  test::ScratchDir dir;
  auto q = UploadQueue::open(dir.path + "/q.db");
  REQUIRE(q);
  UploadJob v1;
  v1.path = "/home/a/log";
  v1.content = sha256(as_bytes("v1"));
  UploadJob other = v1;
  other.path = "/home/a/other";
  UploadJob staged = v1;
  staged.path = "/state/staging/copy";
  staged.staged = true;
  REQUIRE((*q)->enqueue({v1, other, staged}));
  UploadJob v2 = v1;
  v2.content = sha256(as_bytes("v2"));
  REQUIRE((*q)->enqueue({v2}));
  auto jobs = (*q)->next_batch(10, INT64_MAX, 0);
  REQUIRE(jobs);
  std::set<std::string> seen;
  for (const auto& j : *jobs) seen.insert(j.path + (j.content == v2.content ? "@v2" : "@v1"));
  CHECK(seen == std::set<std::string>{"/home/a/log@v2", "/home/a/other@v1", "/state/staging/copy@v1"});
}

TEST_CASE("upload queue: live progress rows of running uploads only (crash-only)") {
  test::ScratchDir dir;
  auto q = UploadQueue::open(dir.path + "/queue.db");
  REQUIRE(q);
  int64_t me = ::getpid();
  REQUIRE((*q)->record_live({me, "upload", now_ns() - 5'000'000'000LL, now_ns(), 100, 400, 1, 4, 20.5}));
  // A process that has exited: killed mid-upload, its row stays behind.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  REQUIRE((*q)->record_live({child, "backup", now_ns(), now_ns(), 1, 2, 1, 1, 1}));
  auto live = (*q)->live_uploads();
  REQUIRE(live);
  REQUIRE(live->size() == 1);
  CHECK((*live)[0].pid == me);
  CHECK((*live)[0].command == "upload");
  CHECK((*live)[0].bytes_done == 100);
  CHECK((*live)[0].bytes_total == 400);
  CHECK((*live)[0].files_total == 4);
  CHECK((*live)[0].rate == doctest::Approx(20.5));
  // Refreshed again, it replaces its row; not refreshed for long, it is not live (a reused pid).
  REQUIRE((*q)->record_live({me, "upload", now_ns(), now_ns() - (kLiveStaleSeconds + 1) * 1'000'000'000LL, 200, 400, 2, 4, 20}));
  CHECK((*q)->live_uploads()->empty());
  REQUIRE((*q)->record_live({me, "upload", now_ns(), now_ns(), 300, 400, 3, 4, 20}));
  CHECK((*q)->live_uploads()->at(0).bytes_done == 300);
  REQUIRE((*q)->clear_live(me));
  CHECK((*q)->live_uploads()->empty());
}

TEST_CASE("upload queue: the oldest job's queued time, kept by a re-queue, and added to a queue made before it") {
  test::ScratchDir dir;
  std::string db = dir.path + "/queue.db";
  {
    // A queue as older versions made it: no queued_ns column, one job.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw,
                         "CREATE TABLE jobs (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, content BLOB NOT NULL, path BLOB NOT NULL,"
                         " size INTEGER NOT NULL, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, snapshot TEXT, base BLOB,"
                         " staged INTEGER NOT NULL DEFAULT 0);"
                         "INSERT INTO jobs (priority, content, path, size) VALUES (0, x'00', '/old', 1);",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  auto q = UploadQueue::open(db);
  REQUIRE(q);
  auto none = (*q)->oldest_queued_ns();
  REQUIRE(none);
  CHECK_FALSE(none->has_value());  // the old job's age is not known
  auto job = [](const std::string& path) {
    UploadJob j;
    j.content = sha256(as_bytes(path));
    j.path = path;
    j.size = 1;
    return j;
  };
  int64_t before = now_ns();
  REQUIRE((*q)->enqueue({job("/a")}));
  auto first = (*q)->oldest_queued_ns();
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(**first >= before);
  CHECK(**first <= now_ns());
  ::usleep(2000);
  REQUIRE((*q)->enqueue({job("/a"), job("/b")}));  // /a again: it keeps its first time
  CHECK(*(*q)->oldest_queued_ns() == *first);
  auto batch = (*q)->next_batch(10, INT64_MAX, 0);
  REQUIRE(batch);
  std::vector<int64_t> a;
  for (const auto& j : *batch)
    if (j.path == "/a" || j.path == "/old") a.push_back(j.id);
  REQUIRE((*q)->remove(a));
  auto b = (*q)->oldest_queued_ns();
  REQUIRE(b);
  REQUIRE(b->has_value());
  CHECK(**b > **first);  // /b's, queued later
  q->reset();
  auto again = UploadQueue::open(db);  // the column is there now: no second ALTER
  REQUIRE(again);
  CHECK(*(*again)->oldest_queued_ns() == *b);
}

TEST_CASE("upload queue: a rate sample a minute per upload, the last day's kept") {
  test::ScratchDir dir;
  auto q = UploadQueue::open(dir.path + "/queue.db");
  REQUIRE(q);
  const int64_t minute = 60'000'000'000LL, now = now_ns() / minute * minute;
  // Two refreshes in one minute: the later rate is the minute's; two uploads in a minute add up.
  REQUIRE((*q)->record_live({1, "upload", now - 3 * minute, now - 2 * minute + 1, 10, 100, 1, 9, 100}));
  REQUIRE((*q)->record_live({1, "upload", now - 3 * minute, now - 2 * minute + 2, 20, 100, 1, 9, 150}));
  REQUIRE((*q)->record_live({1, "upload", now - 3 * minute, now - minute, 30, 100, 2, 9, 200}));
  REQUIRE((*q)->record_live({2, "backup", now - minute, now - minute + 5, 1, 10, 0, 1, 50}));
  // No rate measured yet: no sample.
  REQUIRE((*q)->record_live({1, "upload", now - 3 * minute, now, 30, 100, 2, 9, 0}));
  auto h = (*q)->rate_history(now - 10 * minute);
  REQUIRE(h);
  REQUIRE(h->size() == 2);
  CHECK((*h)[0].minute_ns == now - 2 * minute);
  CHECK((*h)[0].rate == doctest::Approx(150));
  CHECK((*h)[1].minute_ns == now - minute);
  CHECK((*h)[1].rate == doctest::Approx(250));
  // A sample a day later drops the ones older than a day.
  REQUIRE((*q)->record_live({1, "upload", now, now + kRateHistorySeconds * 1'000'000'000LL - minute / 2, 40, 100, 3, 9, 10}));
  h = (*q)->rate_history(0);
  REQUIRE(h);
  REQUIRE(h->size() == 2);
  CHECK((*h)[0].minute_ns == now - minute);
  CHECK((*h)[1].rate == doctest::Approx(10));
}

TEST_CASE("upload queue: storing marks say when a run ended before indexing what it stored") {
  test::ScratchDir dir;
  auto q = UploadQueue::open(dir.path + "/queue.db");
  REQUIRE(q);
  const int64_t me = ::getpid();
  // A queue without marks may be an older version's, whose run was killed: once interrupted.
  auto first = (*q)->mark_storing();
  REQUIRE(first);
  CHECK(first->interrupted);
  CHECK(first->dead.empty());
  REQUIRE((*q)->unmark_storing({me}));
  auto clean = (*q)->mark_storing();
  REQUIRE(clean);
  CHECK_FALSE(clean->interrupted);
  REQUIRE((*q)->unmark_storing({me}));
  // A run killed while storing: its process is gone, its mark stays.
  pid_t child = ::fork();
  if (child == 0) {
    auto cq = UploadQueue::open(dir.path + "/queue.db");
    ::_exit(cq && (*cq)->mark_storing() ? 0 : 1);
  }
  REQUIRE(child > 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WEXITSTATUS(status) == 0);
  auto after_kill = (*q)->mark_storing();
  REQUIRE(after_kill);
  CHECK(after_kill->interrupted);
  REQUIRE(after_kill->dead.size() == 1);
  CHECK(after_kill->dead[0] == child);
  // Adopted: the dead mark goes; this run's own stays until it finishes.
  REQUIRE((*q)->unmark_storing(after_kill->dead));
  // This process's own mark left from an earlier run (an error exit of a job
  // the service ran in-process): interrupted, but not a mark to remove.
  auto again = (*q)->mark_storing();
  REQUIRE(again);
  CHECK(again->interrupted);
  CHECK(again->dead.empty());
  REQUIRE((*q)->unmark_storing({me}));
  CHECK_FALSE((*q)->mark_storing()->interrupted);
}
