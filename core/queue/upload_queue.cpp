#include "core/queue/upload_queue.h"

#include <fmt/format.h>

#include <signal.h>

#include <cerrno>

#include "core/common/clock.h"
#include "core/common/sqlite_db.h"

namespace gb {
namespace {

Error db_error(sqlite3* db, const std::string& doing) { return sqlite_error(db, "the upload queue database", doing); }

}  // namespace

Result<std::unique_ptr<UploadQueue>> UploadQueue::open(const std::string& path) {
  GB_ASSIGN(sqlite3 * db, open_sqlite(path, "the upload queue"));
  std::unique_ptr<UploadQueue> q(new UploadQueue(db));
  GB_CHECK(
      q->exec("CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, content BLOB NOT NULL,"
              " path BLOB NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, snapshot TEXT,"
              " base BLOB, staged INTEGER NOT NULL DEFAULT 0, queued_ns INTEGER);"
              "CREATE INDEX IF NOT EXISTS jobs_order ON jobs (priority DESC, id);"
              "CREATE UNIQUE INDEX IF NOT EXISTS jobs_unique ON jobs (content, path);"
              "CREATE INDEX IF NOT EXISTS jobs_path ON jobs (path);"
              "CREATE TABLE IF NOT EXISTS unstable (path BLOB PRIMARY KEY, since INTEGER);"
              "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);"
              "CREATE TABLE IF NOT EXISTS live (pid INTEGER PRIMARY KEY, command TEXT, started_ns INTEGER, updated_ns INTEGER,"
              " bytes_done INTEGER, bytes_total INTEGER, files_done INTEGER, files_total INTEGER, rate REAL);"
              "CREATE TABLE IF NOT EXISTS rate_samples (minute INTEGER NOT NULL, pid INTEGER NOT NULL, rate REAL, PRIMARY KEY (minute, pid));"
              "CREATE TABLE IF NOT EXISTS storing (pid INTEGER PRIMARY KEY, started_ns INTEGER);"));
  GB_CHECK(q->add_queued_time());
  return q;
}

UploadQueue::~UploadQueue() { sqlite3_close(db_); }

// A queue made before jobs had a queued_ns column gets it (its old jobs
// stay NULL: of unknown age). Two processes may race to add it: the loser's
// "duplicate column" is the column being there.
Status UploadQueue::add_queued_time() {
  {
    Stmt has(db_, "SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'queued_ns'");
    if (!has.ok()) return db_error(db_, "prepare");
    int rc = has.step();
    if (rc == SQLITE_ROW) return {};
    if (rc != SQLITE_DONE) return db_error(db_, "read the schema");
  }  // finalized before the schema changes
  if (sqlite3_exec(db_, "ALTER TABLE jobs ADD COLUMN queued_ns INTEGER", nullptr, nullptr, nullptr) == SQLITE_OK) return {};
  if (std::string(sqlite3_errmsg(db_)).find("duplicate column") != std::string::npos) return {};
  return db_error(db_, "add the queued time");
}

Status UploadQueue::exec(const char* sql) { return exec_sql(db_, sql, "the upload queue database"); }

Status UploadQueue::enqueue(const std::vector<UploadJob>& jobs) {
  if (jobs.empty()) return {};
  GB_CHECK(exec("BEGIN IMMEDIATE"));
  // A newer version of a file supersedes its older queued versions: the file
  // no longer holds them, so they could never be uploaded (their snapshots
  // stay incomplete for that file, which `snapshots` shows).
  Stmt drop(db_, "DELETE FROM jobs WHERE path = ? AND content <> ? AND staged = 0");
  Stmt s(db_,
         "INSERT OR IGNORE INTO jobs (priority, content, path, size, mtime_ns, ctime_ns, inode, snapshot, base, staged, queued_ns)"
         " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  const int64_t queued = now_ns();
  if (!s.ok()) return (void)exec("ROLLBACK"), db_error(db_, "prepare");
  for (const auto& j : jobs) {
    if (!j.staged) {
      drop.bind(1, j.path);
      drop.bind(2, j.content);
      if (drop.step() != SQLITE_DONE) {
        Error e = db_error(db_, "supersede");
        (void)exec("ROLLBACK");
        return e;
      }
      drop.reset();
    }
    s.bind(1, j.priority);
    s.bind(2, j.content);
    s.bind(3, j.path);
    s.bind(4, static_cast<int64_t>(j.size));
    s.bind(5, j.mtime_ns);
    s.bind(6, j.ctime_ns);
    s.bind(7, static_cast<int64_t>(j.inode));
    s.bind(8, j.snapshot);
    if (j.has_base)
      s.bind(9, j.base);
    else
      s.bind_null(9);
    s.bind(10, j.staged ? 1 : 0);
    s.bind(11, queued);
    if (s.step() != SQLITE_DONE) {
      Error e = db_error(db_, "insert");
      (void)exec("ROLLBACK");
      return e;
    }
    s.reset();
  }
  return exec("COMMIT");
}

Result<std::vector<UploadJob>> UploadQueue::next_batch(size_t limit, int64_t after_priority, int64_t after_id) {
  Stmt s(db_,
         "SELECT id, priority, content, path, size, mtime_ns, ctime_ns, inode, snapshot, base, staged FROM jobs"
         " WHERE priority < ?1 OR (priority = ?1 AND id > ?2) ORDER BY priority DESC, id LIMIT ?3");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, after_priority);
  s.bind(2, after_id);
  s.bind(3, static_cast<int64_t>(limit));
  std::vector<UploadJob> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    UploadJob j;
    j.id = s.i64(0);
    j.priority = s.i64(1);
    j.content = s.hash(2);
    j.path = s.blob(3);
    j.size = static_cast<uint64_t>(s.i64(4));
    j.mtime_ns = s.i64(5);
    j.ctime_ns = s.i64(6);
    j.inode = static_cast<uint64_t>(s.i64(7));
    j.snapshot = s.blob(8);
    j.has_base = sqlite3_column_type(s.get(), 9) != SQLITE_NULL;
    if (j.has_base) j.base = s.hash(9);
    j.staged = s.i64(10) != 0;
    out.push_back(std::move(j));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "select");
  return out;
}

Status UploadQueue::remove(const std::vector<int64_t>& ids) {
  if (ids.empty()) return {};
  GB_CHECK(exec("BEGIN IMMEDIATE"));
  Stmt s(db_, "DELETE FROM jobs WHERE id = ?");
  for (int64_t id : ids) {
    s.bind(1, id);
    if (s.step() != SQLITE_DONE) {
      Error e = db_error(db_, "delete");
      (void)exec("ROLLBACK");
      return e;
    }
    s.reset();
  }
  return exec("COMMIT");
}

Result<QueueStats> UploadQueue::stats() {
  QueueStats st;
  Stmt s(db_, "SELECT count(*), coalesce(sum(size), 0) FROM jobs");
  if (!s.ok() || s.step() != SQLITE_ROW) return db_error(db_, "count");
  st.jobs = static_cast<uint64_t>(s.i64(0));
  st.bytes = static_cast<uint64_t>(s.i64(1));
  Stmt u(db_, "SELECT count(*) FROM unstable");
  if (!u.ok() || u.step() != SQLITE_ROW) return db_error(db_, "count");
  st.unstable = static_cast<uint64_t>(u.i64(0));
  return st;
}

// Row ids only grow (a rowid table takes max+1), so the lowest id still
// queued is the oldest job: one step of the primary key, not a scan.
Result<std::optional<int64_t>> UploadQueue::oldest_queued_ns() {
  Stmt s(db_, "SELECT queued_ns FROM jobs WHERE queued_ns IS NOT NULL ORDER BY id LIMIT 1");
  if (!s.ok()) return db_error(db_, "prepare");
  int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<int64_t>();
  if (rc != SQLITE_ROW) return db_error(db_, "read the oldest job");
  return std::optional<int64_t>(s.i64(0));
}

Status UploadQueue::mark_unstable(const std::string& path) {
  Stmt s(db_, "INSERT OR IGNORE INTO unstable (path, since) VALUES (?, strftime('%s','now'))");
  s.bind(1, path);
  if (s.step() != SQLITE_DONE) return db_error(db_, "mark unstable");
  return {};
}

Result<bool> UploadQueue::is_unstable(const std::string& path) {
  Stmt s(db_, "SELECT 1 FROM unstable WHERE path = ?");
  s.bind(1, path);
  int rc = s.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db_, "lookup");
  return rc == SQLITE_ROW;
}

Status UploadQueue::clear_unstable(const std::string& path) {
  Stmt s(db_, "DELETE FROM unstable WHERE path = ?");
  s.bind(1, path);
  if (s.step() != SQLITE_DONE) return db_error(db_, "clear unstable");
  return {};
}

Status UploadQueue::record_rate(double bps) {
  Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('rate', ?)");
  sqlite3_bind_double(s.get(), 1, bps);
  if (s.step() != SQLITE_DONE) return db_error(db_, "record rate");
  return {};
}

Result<double> UploadQueue::last_rate() {
  Stmt s(db_, "SELECT value FROM meta WHERE key = 'rate'");
  int rc = s.step();
  if (rc == SQLITE_ROW) return sqlite3_column_double(s.get(), 0);
  if (rc == SQLITE_DONE) return 0.0;
  return db_error(db_, "read rate");
}

Status UploadQueue::record_live(const LiveUpload& l) {
  // One transaction: the live row and the minute's sample, so a sample is never ahead of what status saw.
  GB_CHECK(exec("BEGIN IMMEDIATE"));
  auto written = [&]() -> Status {
    Stmt s(db_,
           "INSERT OR REPLACE INTO live (pid, command, started_ns, updated_ns, bytes_done, bytes_total, files_done, files_total, rate)"
           " VALUES (?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, l.pid);
    s.bind(2, l.command);
    s.bind(3, l.started_ns);
    s.bind(4, l.updated_ns);
    s.bind(5, static_cast<int64_t>(l.bytes_done));
    s.bind(6, static_cast<int64_t>(l.bytes_total));
    s.bind(7, static_cast<int64_t>(l.files_done));
    s.bind(8, static_cast<int64_t>(l.files_total));
    sqlite3_bind_double(s.get(), 9, l.rate);
    if (s.step() != SQLITE_DONE) return db_error(db_, "record live progress");
    if (l.rate <= 0) return {};  // no rate measured yet: no sample
    const int64_t minute = l.updated_ns / 60'000'000'000LL;
    Stmt sample(db_, "INSERT OR REPLACE INTO rate_samples (minute, pid, rate) VALUES (?,?,?)");
    if (!sample.ok()) return db_error(db_, "prepare");
    sample.bind(1, minute);
    sample.bind(2, l.pid);
    sqlite3_bind_double(sample.get(), 3, l.rate);
    if (sample.step() != SQLITE_DONE) return db_error(db_, "record a rate sample");
    Stmt trim(db_, "DELETE FROM rate_samples WHERE minute < ?");
    if (!trim.ok()) return db_error(db_, "prepare");
    trim.bind(1, minute - kRateHistorySeconds / 60);
    if (trim.step() != SQLITE_DONE) return db_error(db_, "trim the rate samples");
    return {};
  }();
  if (!written) {
    (void)exec("ROLLBACK");
    return written;
  }
  return exec("COMMIT");
}

Result<std::vector<RateSample>> UploadQueue::rate_history(int64_t since_ns) {
  Stmt s(db_, "SELECT minute, SUM(rate) FROM rate_samples WHERE minute >= ? GROUP BY minute ORDER BY minute");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, since_ns / 60'000'000'000LL);
  std::vector<RateSample> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.i64(0) * 60'000'000'000LL, sqlite3_column_double(s.get(), 1)});
  if (rc != SQLITE_DONE) return db_error(db_, "select rate samples");
  return out;
}

Status UploadQueue::clear_live(int64_t pid) {
  Stmt s(db_, "DELETE FROM live WHERE pid = ?");
  s.bind(1, pid);
  if (s.step() != SQLITE_DONE) return db_error(db_, "clear live progress");
  return {};
}

Result<std::vector<LiveUpload>> UploadQueue::live_uploads() {
  Stmt s(db_, "SELECT pid, command, started_ns, updated_ns, bytes_done, bytes_total, files_done, files_total, rate FROM live ORDER BY started_ns");
  if (!s.ok()) return db_error(db_, "prepare");
  std::vector<LiveUpload> out;
  int64_t now = now_ns();
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    LiveUpload l;
    l.pid = s.i64(0);
    l.command = s.blob(1);
    l.started_ns = s.i64(2);
    l.updated_ns = s.i64(3);
    l.bytes_done = static_cast<uint64_t>(s.i64(4));
    l.bytes_total = static_cast<uint64_t>(s.i64(5));
    l.files_done = static_cast<uint64_t>(s.i64(6));
    l.files_total = static_cast<uint64_t>(s.i64(7));
    l.rate = sqlite3_column_double(s.get(), 8);
    // The queue is local, so is its writer: a pid that is gone was killed
    // (or crashed) mid-upload; a row not refreshed for long is one whose pid
    // has since been reused.
    bool gone = l.pid <= 0 || (::kill(static_cast<pid_t>(l.pid), 0) != 0 && errno == ESRCH);
    bool old = now - l.updated_ns > kLiveStaleSeconds * 1'000'000'000LL;
    if (!gone && !old) out.push_back(std::move(l));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "select live progress");
  return out;
}

}  // namespace gb
