// What one backup run shares between its two drivers, the full scan
// (backup_run.cpp) and the narrow slice (narrow_slice.cpp): the packer and
// log being written, content read so far, jobs for the uploader, the view
// cache being updated, and the snapshot's statistics.
#pragma once
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/backup/backup_run.h"
#include "core/content/packer.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

class BackupSession {
 public:
  BackupSession(Repository& repo, const BackupOptions& options, BackupProgress& progress, BackupResult& result);

  // Fills a regular file's content: from a hard link read this run, from
  // `old` when the file is unchanged, else by reading it (as a delta
  // against `base` where that pays). False when the file could not be backed
  // up; the problem is noted and the caller must not claim stale content.
  Result<bool> fill_content(Entry& e, const Entry* old, const Entry* base);
  // Writes `e` to the log when it differs from `old` (always in a
  // checkpoint) and keeps the view cache in step.
  Status write(const Entry& e, const Entry* old);
  // Hash-only reads of many changed files at once, on `threads` threads (a
  // narrow slice without upload knows its whole change list up front, and
  // one large file should not make a thousand small ones wait). Each entry
  // that reads cleanly gets its content; fill_content then skips the read.
  // The others (unstable, unreadable) take fill_content's usual way.
  Status prehash(const std::vector<std::pair<Entry*, const Entry*>>& files_and_old, int threads);
  Status write_deleted(const Entry& old);
  void note_problem(ScanProblem p);
  Status packer_status() { return packer_.status(); }
  SnapshotStats& stats() { return result_.snapshot.stats; }
  // Stores everything and commits the snapshot, its cut and the view cache.
  Status finish(SnapshotStore& store);

  // Whether the view cache gets every entry (a rebuild) or only changes.
  bool cache_every_entry = false;
  std::vector<std::string> changed_paths;  // recorded for an audit only
  bool record_changes = false;

 private:
  Status queue_content(const Entry& file, const Entry* staged_copy, std::optional<Hash> base);
  Status read_staged(Entry& e);
  Status read_changed(Entry& e, std::optional<Hash> base);

  Repository& repo_;
  const BackupOptions& options_;
  BackupProgress& progress_;
  BackupResult& result_;
  Packer packer_;
  LogWriter log_;
  FileReader reader_;
  ViewCache* cache_;
  std::unordered_map<uint64_t, Hash> hardlinks_;  // hardlink id -> content already read this run
  std::vector<UploadJob> jobs_;                   // content the uploader must store, enqueued before the commit
  // The upload queue failed (a full state disk, most often): that ends the
  // backup, it is not one file's problem (each later file would retry it).
  bool queue_failed_ = false;
  Status queue_step(Status s) {
    if (!s) queue_failed_ = true;
    return s;
  }
  std::vector<std::string> staged_to_release_;
  std::unordered_set<std::string> prehashed_;
};

// Adds (sign +1) or removes (-1) an entry's share of a view's totals.
void count_in_totals(SnapshotStats& stats, const Entry& e, int sign);

}  // namespace gb
