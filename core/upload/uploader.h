// The uploader drains the upload queue, highest priority first. For each job
// it re-reads the file and checks that it still has the content hash the
// snapshot recorded: if so the content is stored, if not the file is marked
// unstable (the next backup copies it aside) and the job is dropped. Jobs
// leave the queue only after their packs and index object are stored, so a
// kill at any moment loses nothing; packs stored but not yet indexed are
// adopted on the next run instead of being uploaded again.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/backup/file_reader.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"

namespace gb {

struct UploadOptions {
  int workers = 2;
  size_t batch_bytes = 64 << 20;  // index flush and queue commit at least this often
  // ... and at least this often in time (between files), so a slow upload
  // takes in a new prune plan and prune need not wait for it to end.
  std::chrono::seconds batch_interval{30};
  ReaderOptions reader;
  // Which packs no index names to adopt first: after an interrupted run
  // (the queue's marks say so, storing_run.h), always (the `upload` a user
  // types: the repair `verify` points at when an index object is missing),
  // or none (a plain `backup` has just done so before its own run).
  enum class Adopt { Never, AfterInterruptedRun, Always };
  Adopt adopt = Adopt::AfterInterruptedRun;
  // Bytes the link has taken so far (a rate limiter's released_bytes()), so
  // the progress follows what has gone out and not a pack buffered in memory
  // waiting for the limit; none: the packs stored.
  std::function<uint64_t()> bytes_out;
  // The live progress row in the queue (LiveUpload), refreshed about once a
  // second while the upload runs; `command` names who runs it.
  bool record_live = true;
  std::string command = "upload";
  // Asked before each file: false ends the run there, what it has read so
  // far committed as at its normal end (UploadResult::stopped). The service
  // stops an upload this way for a user's pause or a backup-now.
  std::function<bool()> keep_going;
};

struct UploadProgress {
  std::atomic<uint64_t> jobs_done{0};
  std::atomic<uint64_t> jobs_total{0};
  // Sizes of the queued files: all of them, and how much of them is done:
  // found stored already, set aside, or read and gone out to the repository
  // (what still waits in the packer, or for the upload limit, is not done).
  // Refreshed four times a second.
  std::atomic<uint64_t> bytes_total{0}, bytes_done{0};
  // bytes_done's growth per second over the last kRateWindow (0: not known yet).
  std::atomic<uint64_t> rate{0};
  ReadCounters read;
};
inline constexpr std::chrono::seconds kRateWindow{10};

struct UploadResult {
  uint64_t uploaded_files = 0, already_stored = 0, bytes_stored = 0;
  size_t adopted_packs = 0;
  uint64_t bytes_done = 0;            // of the queued files' sizes (UploadProgress::bytes_done)
  double rate = 0;                    // the rate recorded for the next ETA (UploadQueue::record_rate), 0: none
  std::vector<std::string> unstable;  // changed since their snapshot; re-staged by the next backup
  std::vector<std::string> vanished;  // gone before they could be uploaded
  bool stopped = false;               // UploadOptions::keep_going ended it; the rest stays queued
};

// Records its live progress in the queue (UploadOptions::record_live) and,
// when it uploaded anything, the rate for the next ETA: the last
// kRateWindow's when it ran that long, else its own average.
Result<UploadResult> run_upload(Repository& repo, UploadQueue& queue, const UploadOptions& options, UploadProgress& progress);

}  // namespace gb
