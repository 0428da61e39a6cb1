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
  // Adopt packs a killed run left unindexed first. A plain `backup` has just
  // done so before its own run, and the listing is a full walk of data/.
  bool adopt_unindexed = true;
};

struct UploadProgress {
  std::atomic<uint64_t> jobs_done{0};
  std::atomic<uint64_t> jobs_total{0};
  // Sizes of the queued files: all of them, and those finished (read,
  // found stored already, or set aside), for a progress line in bytes.
  std::atomic<uint64_t> bytes_total{0}, bytes_done{0};
  ReadCounters read;
};

struct UploadResult {
  uint64_t uploaded_files = 0, already_stored = 0, bytes_stored = 0;
  size_t adopted_packs = 0;
  std::vector<std::string> unstable;  // changed since their snapshot; re-staged by the next backup
  std::vector<std::string> vanished;  // gone before they could be uploaded
};

Result<UploadResult> run_upload(Repository& repo, UploadQueue& queue, const UploadOptions& options, UploadProgress& progress);

}  // namespace gb
