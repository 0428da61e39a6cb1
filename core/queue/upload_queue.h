// The persistent upload queue (SQLite, WAL) in the local state dir: one job
// per content a committed snapshot references but the repository does not
// hold yet. The queue is a cache of that fact: if it is deleted, the next
// backup finds the missing content again and re-queues it.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"

struct sqlite3;

namespace gb {

struct UploadJob {
  int64_t id = 0;
  int64_t priority = 0;
  Hash content{};
  std::string path;  // where to read it (the source file, or its staged copy)
  uint64_t size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  uint64_t inode = 0;
  std::string snapshot;  // the first snapshot that needs it
  bool has_base = false;
  Hash base{};          // the previous version's content: the delta base
  bool staged = false;  // path is a copy in the staging area (delete after upload)
};

struct QueueStats {
  uint64_t jobs = 0, bytes = 0;
  uint64_t unstable = 0;
};

// A running upload's progress, as it last recorded it (about once a second)
// for `status` to read: one row per uploading process, removed when it ends.
// Crash-only: a row whose process is gone, or that has not been refreshed
// for kLiveStaleSeconds, is not reported.
struct LiveUpload {
  int64_t pid = 0;
  std::string command;  // upload, backup (which drains the queue after its commit)
  int64_t started_ns = 0, updated_ns = 0;
  uint64_t bytes_done = 0, bytes_total = 0;  // of the queue's bytes when it started
  uint64_t files_done = 0, files_total = 0;
  double rate = 0;  // bytes per second over the last seconds (0: not known yet)
};
inline constexpr int64_t kLiveStaleSeconds = 30;

// The upload rate over the last day, for the web page's chart: record_live
// keeps one sample a minute per uploading process (its last rate in that
// minute) and drops those older than kRateHistorySeconds. Crash-only: a
// sample is a row written whole; a killed upload just leaves a gap.
struct RateSample {
  int64_t minute_ns = 0;  // the minute's start
  double rate = 0;        // bytes per second, summed over the uploads of that minute
};
inline constexpr int64_t kRateHistorySeconds = 24 * 3600;
// The marks of runs that store packs (storing_run.h): whether one ended
// before indexing what it stored, so its packs wait to be adopted.
struct StoringMarks {
  bool interrupted = false;
  std::vector<int64_t> dead;  // marks of processes that are gone (not this one's)
};

class UploadQueue {
 public:
  static Result<std::unique_ptr<UploadQueue>> open(const std::string& path);
  ~UploadQueue();

  // One transaction. A job replaces queued jobs for older versions of its path.
  Status enqueue(const std::vector<UploadJob>& jobs);
  // Up to `limit` queued jobs, highest priority first (then oldest first).
  Result<std::vector<UploadJob>> next_batch(size_t limit, int64_t after_priority, int64_t after_id);
  Status remove(const std::vector<int64_t>& ids);
  Result<QueueStats> stats();
  // When the oldest job still queued was queued (none: empty, or only jobs
  // from before the queue kept the time). A job re-queued for content that
  // is already queued keeps its first time: this is how long it has waited.
  Result<std::optional<int64_t>> oldest_queued_ns();

  // Unstable files: changed between snapshot and upload; the next backup copies them aside.
  Status mark_unstable(const std::string& path);
  Result<bool> is_unstable(const std::string& path);
  Status clear_unstable(const std::string& path);

  // Measured upload throughput, for ETAs.
  Status record_rate(double bytes_per_second);
  Result<double> last_rate();

  // Live progress of uploads running now (see LiveUpload); also the minute's rate sample (RateSample).
  Status record_live(const LiveUpload& live);
  Status clear_live(int64_t pid);
  Result<std::vector<LiveUpload>> live_uploads();
  // The samples of the minutes since `since_ns`, oldest first.
  Result<std::vector<RateSample>> rate_history(int64_t since_ns);

  // Marks of runs storing packs (see StoringRun): mark this process and say
  // which earlier runs never finished; remove marks.
  Result<StoringMarks> mark_storing();
  Status unmark_storing(const std::vector<int64_t>& pids);

 private:
  explicit UploadQueue(sqlite3* db) : db_(db) {}
  Status exec(const char* sql);
  Status add_queued_time();
  sqlite3* db_;
};

}  // namespace gb
