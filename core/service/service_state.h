// The service's schedule, kept in the state dir (DIR/service.db, SQLite) so
// the service is crash-only: each job's last finished run is written when it
// finishes, and a service killed at any moment (kill -9) resumes from there
// on restart. A job killed mid-run has no record and runs again: at most one
// job is ever repeated, never lost (its work is idempotent: an uncommitted
// snapshot is made again, the upload queue resumes where it stopped).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/common/result.h"

struct sqlite3;

namespace gb {

// One finished run of a scheduled job ("snapshot", "upload", "forget", ...).
struct JobRun {
  int64_t finished_ns = 0;
  int exit_code = 0;
  // The change journal's last seq when the job started (snapshots: the
  // changes after it are the ones the next snapshot has to take).
  int64_t journal_seq = 0;
};

class ServiceState {
 public:
  static Result<std::unique_ptr<ServiceState>> open(const std::string& path);
  ~ServiceState();
  Result<std::optional<JobRun>> last(const std::string& job);
  Status record(const std::string& job, const JobRun& run);
  // Small persistent values (pause until, last error).
  Status set_value(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> value(const std::string& key);

 private:
  explicit ServiceState(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// A job runs when it never ran, or its interval has passed since its last run.
bool job_due(const std::optional<JobRun>& last, int64_t now_ns, int64_t interval_ns);

}  // namespace gb
