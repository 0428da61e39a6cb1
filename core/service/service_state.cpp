#include "core/service/service_state.h"

#include "core/common/sqlite_db.h"

namespace gb {

namespace {
const std::string kWhat = "the service schedule";
}

Result<std::unique_ptr<ServiceState>> ServiceState::open(const std::string& path) {
  GB_ASSIGN(sqlite3 * db, open_sqlite(path, kWhat));
  std::unique_ptr<ServiceState> s(new ServiceState(db));
  GB_CHECK(exec_sql(db,
                    "CREATE TABLE IF NOT EXISTS jobs (name TEXT PRIMARY KEY, finished_ns INTEGER NOT NULL, exit_code INTEGER NOT NULL,"
                    " journal_seq INTEGER NOT NULL);"
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);",
                    kWhat));
  return s;
}

ServiceState::~ServiceState() { sqlite3_close(db_); }

Result<std::optional<JobRun>> ServiceState::last(const std::string& job) {
  Stmt s(db_, "SELECT finished_ns, exit_code, journal_seq FROM jobs WHERE name = ?");
  if (!s.ok()) return sqlite_error(db_, kWhat, "prepare");
  sqlite3_bind_text(s.get(), 1, job.data(), static_cast<int>(job.size()), SQLITE_TRANSIENT);
  int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<JobRun>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, kWhat, "read");
  return std::optional<JobRun>(JobRun{s.i64(0), static_cast<int>(s.i64(1)), s.i64(2)});
}

Status ServiceState::record(const std::string& job, const JobRun& run) {
  Stmt s(db_, "INSERT OR REPLACE INTO jobs (name, finished_ns, exit_code, journal_seq) VALUES (?,?,?,?)");
  if (!s.ok()) return sqlite_error(db_, kWhat, "prepare");
  sqlite3_bind_text(s.get(), 1, job.data(), static_cast<int>(job.size()), SQLITE_TRANSIENT);
  s.bind(2, run.finished_ns);
  s.bind(3, static_cast<int64_t>(run.exit_code));
  s.bind(4, run.journal_seq);
  if (s.step() != SQLITE_DONE) return sqlite_error(db_, kWhat, "write");
  return {};
}

// Keys were bound as text by the first service.db; a key is written again
// at the job's next run, so an old one is only shadowed until then.
Status ServiceState::set_value(const std::string& key, const std::string& value) { return set_meta_value(db_, kWhat, key, value); }

Result<std::optional<std::string>> ServiceState::value(const std::string& key) { return meta_value(db_, kWhat, key); }

bool job_due(const std::optional<JobRun>& last, int64_t now_ns, int64_t interval_ns) {
  return !last || now_ns - last->finished_ns >= interval_ns || now_ns < last->finished_ns;
}

}  // namespace gb
