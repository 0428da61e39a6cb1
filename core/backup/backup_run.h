// One backup: scan the roots, compare each path with the parent snapshot's
// view, read only files whose size, mtime, ctime or inode changed, store new
// content, then commit the snapshot. Nothing is referenced before it is
// stored: packs first, then the index object, then the snapshot.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/backup/file_reader.h"
#include "core/backup/staging_area.h"
#include "core/queue/priority.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/scan/scanner.h"
#include "core/snapshot/snapshot.h"

namespace gb {

struct BackupOptions {
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::string hostname;
  std::string username;
  int workers = 2;
  bool force_full_read = false;  // ignore the parent; read every file
  // With upload, new content is stored before the snapshot is committed.
  // Without, the snapshot is committed as soon as every changed file is
  // hashed, and its new content waits in `queue` for the uploader.
  bool upload = true;
  UploadQueue* queue = nullptr;  // required without upload
  StagingArea* staging = nullptr;  // where unstable files are copied aside (none: they are only retried)
  PriorityPolicy priority;
  ReaderOptions reader;
};

// Live counters the CLI shows as progress.
struct BackupProgress {
  std::atomic<uint64_t> entries{0};
  ReadCounters read;
  std::atomic<uint64_t> errors{0};
};

struct BackupResult {
  Snapshot snapshot;
  std::vector<ScanProblem> problems;  // paths not backed up, with why
  std::string parent_short_id;
  uint64_t queued_files = 0, queued_bytes = 0;  // content left for the uploader
  uint64_t staged_files = 0;                     // unstable files backed up from a copy
};

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress);

}  // namespace gb
