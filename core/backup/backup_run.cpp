#include "core/backup/backup_run.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <unordered_map>

#include "core/common/path_order.h"
#include "core/content/packer.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

// The newest snapshot of this host with exactly these roots: its view is
// what this backup compares against and writes a delta from.
std::optional<Snapshot> find_parent(const std::vector<Snapshot>& all, const std::string& host, const std::vector<std::string>& roots) {
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->hostname == host && it->paths == roots) return *it;
  return std::nullopt;
}

bool content_unchanged(const Entry& now, const Entry& before) {
  return before.type == NodeType::File && now.size == before.size && now.mtime_ns == before.mtime_ns &&
         now.ctime_ns == before.ctime_ns && now.inode == before.inode;
}

}  // namespace

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress) {
  GB_ASSIGN(std::vector<std::string> roots, normalise_roots(options.paths));
  if (!options.upload && !options.queue) return make_error(ErrorKind::InvalidArgument, "a backup without upload needs the upload queue");
  GB_CHECK(repo.adopt_unindexed_packs());  // what a killed run stored is not stored again
  SnapshotStore store(repo);
  GB_ASSIGN(auto all, store.list());
  std::optional<Snapshot> parent = options.force_full_read ? std::nullopt : find_parent(all, options.hostname, roots);

  BackupResult result;
  Snapshot& snap = result.snapshot;
  snap.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  snap.hostname = options.hostname;
  snap.username = options.username;
  snap.paths = roots;
  snap.excludes = options.excludes;
  snap.checkpoint = !parent || parent->depth + 1 >= repo.config().checkpoint_interval;
  snap.depth = snap.checkpoint ? 0 : parent->depth + 1;
  if (parent) {
    snap.parent = parent->id;
    result.parent_short_id = parent->short_id();
  }

  std::unique_ptr<ViewReader> before;
  if (parent) {
    GB_ASSIGN(auto logs, store.chain(*parent));
    before = std::make_unique<ViewReader>(repo, logs);
  }
  Entry prev;
  bool prev_live = false;
  auto advance_prev = [&]() -> Status {
    if (!before) return {};
    GB_ASSIGN(prev_live, before->next(prev));
    return {};
  };
  GB_CHECK(advance_prev());

  Packer packer(repo.upload_backend(), repo.keys(), repo.index(), repo.packer_options(options.workers));
  LogWriter log(packer);
  FileReader reader(packer, repo, progress.read, options.reader);
  std::unordered_map<uint64_t, Hash> hardlinks;  // hardlink id -> content already read this run
  std::vector<UploadJob> jobs;  // content the uploader must store, enqueued before the commit
  std::vector<std::string> staged_to_release;
  // `source` is where the uploader reads the content: the file, or its staged copy.
  auto queue_content = [&](const Entry& file, const Entry* staged_copy = nullptr, std::optional<Hash> base = std::nullopt) -> Status {
    if (options.upload || repo.content_present(file.content, file.size)) return {};
    const Entry& source = staged_copy ? *staged_copy : file;
    UploadJob j;
    j.priority = options.priority.priority(file);
    j.content = file.content;
    j.path = source.path;
    j.size = source.size;
    j.mtime_ns = source.mtime_ns;
    j.ctime_ns = source.ctime_ns;
    j.inode = source.inode;
    j.staged = staged_copy != nullptr;
    j.has_base = base.has_value();
    if (base) j.base = *base;
    jobs.push_back(std::move(j));
    ++result.queued_files;
    result.queued_bytes += file.size;
    if (jobs.size() >= 4096) {
      GB_CHECK(options.queue->enqueue(jobs));
      jobs.clear();
    }
    return {};
  };
  SnapshotStats& stats = snap.stats;

  auto note_problem = [&](ScanProblem p) {
    ++progress.errors;
    result.problems.push_back(std::move(p));
  };
  Scanner scanner(roots, Excludes(options.excludes), note_problem);

  auto write_change = [&](const Entry& e, const Entry* old) {
    bool changed = !old || !same_entry(e, *old);
    if (changed) ++stats.changed_entries;
    if (snap.checkpoint || changed) log.add(e);
  };
  auto write_deleted = [&](const Entry& old) {
    ++stats.changed_entries;
    if (!snap.checkpoint) {
      Entry gone;
      gone.path = old.path;
      gone.deleted = true;
      log.add(gone);
    }
  };

  // Backs a file up from a copy set aside in the staging area.
  auto read_staged = [&](Entry& e) -> Status {
    GB_ASSIGN(std::string copy_path, options.staging->stage(e));
    Entry copy;
    std::string problem;
    if (!stat_entry(copy_path, copy, problem)) return make_error(ErrorKind::Io, "the staged copy vanished: " + problem);
    Status st = reader.read(copy, options.upload, 1);
    if (!st) {
      StagingArea::release(copy_path);
      return st;
    }
    e.content = copy.content;
    ++result.staged_files;
    if (options.queue) GB_CHECK(options.queue->clear_unstable(e.path));
    if (options.upload) {
      staged_to_release.push_back(copy_path);  // once its packs are stored
      return {};
    }
    Status queued = queue_content(e, &copy);
    if (!queued) StagingArea::release(copy_path);
    return queued;
  };
  // Reads a changed file: from a staged copy if it is known to be unstable or
  // keeps changing while read, otherwise directly.
  auto read_changed = [&](Entry& e) -> Status {
    if (options.staging && options.queue) {
      GB_ASSIGN(bool unstable, options.queue->is_unstable(e.path));
      if (unstable) return read_staged(e);
    }
    std::optional<Hash> base;
    if (prev_live && prev.path == e.path && prev.type == NodeType::File) base = prev.content;
    Status st = reader.read(e, options.upload, 3, base);
    if (st) return queue_content(e, nullptr, base);
    if (options.staging && st.error().message.find("kept changing") != std::string::npos) return read_staged(e);
    return st;
  };

  Entry e;
  while (scanner.next(e)) {
    ++progress.entries;
    GB_CHECK(packer.status());
    while (prev_live && path_less(prev.path, e.path)) {
      write_deleted(prev);
      GB_CHECK(advance_prev());
    }
    const Entry* old = prev_live && prev.path == e.path ? &prev : nullptr;
    if (e.type == NodeType::File) {
      auto linked = e.hardlink_id ? hardlinks.find(e.hardlink_id) : hardlinks.end();
      if (linked != hardlinks.end()) {
        e.content = linked->second;
      } else if (old && content_unchanged(e, *old) && (!options.upload || repo.content_present(old->content, old->size))) {
        // Unchanged. Content a previous --no-upload run left queued stays queued (the
        // queue ignores a job it already has), so a lost queue is rebuilt here.
        e.content = old->content;
        GB_CHECK(queue_content(e));
      } else if (Status st = read_changed(e); !st) {
        note_problem({e.path, st.error().message});
        // Not backed up: a delta drops the path, so no stale content is claimed.
        if (old) write_deleted(*old);
        if (old) GB_CHECK(advance_prev());
        continue;
      } else {
        ++stats.files_read;
        stats.bytes_read += e.size;
      }
      if (e.hardlink_id) hardlinks.emplace(e.hardlink_id, e.content);
      ++stats.files;
      stats.bytes += e.size;
    } else if (e.type == NodeType::Dir) {
      ++stats.dirs;
    } else {
      ++stats.others;
    }
    write_change(e, old);
    if (old) GB_CHECK(advance_prev());
  }
  while (prev_live) {
    write_deleted(prev);
    GB_CHECK(advance_prev());
  }

  snap.log_blobs = log.finish();
  if (!jobs.empty()) GB_CHECK(options.queue->enqueue(jobs));
  GB_CHECK(packer.finish());
  GB_CHECK(repo.index().flush(repo.backend(), repo.keys().metadata));
  for (const auto& copy : staged_to_release) StagingArea::release(copy);
  stats.bytes_stored = packer.stored_bytes();
  stats.errors = result.problems.size();
  GB_CHECK(store.save(snap));
  return result;
}

}  // namespace gb
