#include "core/queue/storing_run.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "core/common/clock.h"
#include "core/common/sqlite_db.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"

namespace gb {

namespace {
constexpr const char* kWhat = "the upload queue database";
}

Result<StoringMarks> UploadQueue::mark_storing() {
  GB_CHECK(exec("BEGIN IMMEDIATE"));
  auto done = [&](Status st) -> Status {
    if (!st) {
      (void)exec("ROLLBACK");
      return st;
    }
    return exec("COMMIT");
  };
  StoringMarks marks;
  const int64_t self = ::getpid();
  auto known = meta_value(db_, kWhat, "storing_marks");
  if (!known) return done(known.error()).error();
  if (!*known) {
    // An older version kept no marks: one of its runs may have been killed.
    marks.interrupted = true;
    if (Status st = set_meta_value(db_, kWhat, "storing_marks", "1"); !st) return done(st).error();
  }
  {
    Stmt s(db_, "SELECT pid FROM storing");
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      int64_t pid = s.i64(0);
      // The queue is local, so are its writers. This process's own pid is a
      // mark left by an earlier run in it (the service runs jobs in-process)
      // or by a process before a reboot whose pid it now has.
      bool gone = pid <= 0 || pid == self || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
      if (!gone) continue;
      marks.interrupted = true;
      if (pid != self) marks.dead.push_back(pid);
    }
    if (rc != SQLITE_DONE) return done(sqlite_error(db_, kWhat, "read storing marks")).error();
  }
  Stmt ins(db_, "INSERT OR REPLACE INTO storing (pid, started_ns) VALUES (?, ?)");
  ins.bind(1, self);
  ins.bind(2, now_ns());
  if (ins.step() != SQLITE_DONE) return done(sqlite_error(db_, kWhat, "mark a storing run")).error();
  GB_CHECK(done({}));
  return marks;
}

Status UploadQueue::unmark_storing(const std::vector<int64_t>& pids) {
  Stmt s(db_, "DELETE FROM storing WHERE pid = ?");
  for (int64_t pid : pids) {
    s.reset();
    s.bind(1, pid);
    if (s.step() != SQLITE_DONE) return sqlite_error(db_, kWhat, "remove a storing mark");
  }
  return {};
}

Result<StoringRun> StoringRun::begin(UploadQueue* queue) {
  StoringRun run;
  run.queue_ = queue;
  if (!queue) return run;
  GB_ASSIGN(StoringMarks marks, queue->mark_storing());
  run.interrupted_ = marks.interrupted;
  run.dead_ = std::move(marks.dead);
  return run;
}

Result<size_t> StoringRun::adopt_interrupted(Repository& repo, bool always) {
  repo.prepare_to_store();  // a distrusted index is not stored against, adoption or not
  if (!interrupted_ && !always) return size_t{0};
  GB_ASSIGN(size_t adopted, repo.adopt_unindexed_packs());
  interrupted_ = false;
  if (queue_) GB_CHECK(queue_->unmark_storing(dead_));
  dead_.clear();
  return adopted;
}

Status StoringRun::finish() {
  if (!queue_) return {};
  return queue_->unmark_storing({static_cast<int64_t>(::getpid())});
}

}  // namespace gb
