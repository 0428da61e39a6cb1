// One backup: find what changed since the parent snapshot, read only files
// whose size, mtime, ctime or inode changed, store new content, then commit
// the snapshot. Nothing is referenced before it is stored: packs first, then
// the index object, then the snapshot.
//
// What changed is found one of two ways. A full scan walks the roots and
// merge-joins them with the parent's view. A narrow slice (with a running
// change-journal agent) stats only the paths the journal names since the
// parent's cut and looks their previous entries up in the local view cache,
// so its cost follows the change, not the size of the tree.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/backup/file_reader.h"
#include "core/backup/staging_area.h"
#include "core/journal/change_journal.h"
#include "core/queue/priority.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/scan/exclude_rules.h"
#include "core/scan/scanner.h"
#include "core/snapshot/snapshot.h"
#include "core/snapshot/view_cache.h"

namespace gb {

// A backup with a change-journal agent: the journal, this repository's view
// cache for these roots, and the cut (the journal seq at which the backup's
// cookie arrived: every change before the backup began is at or below it).
struct JournalUse {
  ChangeJournal* journal = nullptr;
  ViewCache* cache = nullptr;
  std::string repository_id;  // hex, the key of the journal's cut points
  int64_t cut = 0;
  bool audit = false;  // scan in full and report changes the journal missed
};

// Narrow slices may stack deeper than the checkpoint interval (a view is
// the merge of this many logs at most); then a full scan cuts a checkpoint.
inline constexpr uint64_t kMaxSliceDepth = 64;

struct BackupOptions {
  std::vector<std::string> paths;
  ExcludeSpec excludes;  // what is left out (exclude_rules.h)
  std::string hostname;
  std::string username;
  std::vector<std::string> tags;  // recorded in the snapshot (backup --tag), sorted and unique
  int workers = 2;
  bool force_full_read = false;  // ignore the parent; read every file
  // With upload, new content is stored before the snapshot is committed.
  // Without, the snapshot is committed as soon as every changed file is
  // hashed, and its new content waits in `queue` for the uploader.
  bool upload = true;
  UploadQueue* queue = nullptr;    // required without upload
  StagingArea* staging = nullptr;  // where unstable files are copied aside (none: they are only retried)
  PriorityPolicy priority;
  ReaderOptions reader;
  const JournalUse* journal = nullptr;  // none: always a full scan, no view cache
};

// Live counters the CLI shows as progress.
struct BackupProgress {
  std::atomic<uint64_t> entries{0};
  std::atomic<uint64_t> bytes{0};  // sizes of the regular files scanned so far
  // A full scan's expected totals: the parent snapshot's entries and bytes
  // (known from its stats, so no pre-count walks the tree). 0 entries: no
  // total (no parent, or a narrow slice, which looks at a few paths only).
  std::atomic<uint64_t> total_entries{0}, total_bytes{0};
  ReadCounters read;
  std::atomic<uint64_t> errors{0};
};

struct BackupResult {
  Snapshot snapshot;
  std::vector<ScanProblem> problems;  // paths not backed up, with why
  std::string parent_short_id;
  uint64_t queued_files = 0, queued_bytes = 0;  // content left for the uploader
  uint64_t staged_files = 0;                    // unstable files backed up from a copy
  bool narrow = false;                          // a narrow slice, not a full scan
  uint64_t slice_paths = 0;                     // paths a narrow slice looked at
  std::string full_scan_reason;                 // with an agent: why this was a full scan
  bool audited = false;
  std::vector<std::string> audit_missed;  // changes on disk the journal did not name
  // Full scans: btrfs subvolumes below the paths that no mount shows, which
  // the device boundary kept out (README, "Device boundaries").
  std::vector<std::string> unentered_subvolumes;
};

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress);

}  // namespace gb
