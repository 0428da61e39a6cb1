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
};

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress);

}  // namespace gb
