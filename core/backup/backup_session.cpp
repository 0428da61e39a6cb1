#include "core/backup/backup_session.h"

#include <algorithm>
#include <atomic>

#include "core/common/parallel.h"
#include "core/common/test_pause.h"

namespace gb {
namespace {

bool content_unchanged(const Entry& now, const Entry& before) {
  return before.type == NodeType::File && now.size == before.size && now.mtime_ns == before.mtime_ns && now.ctime_ns == before.ctime_ns &&
         now.inode == before.inode;
}

}  // namespace

void count_in_totals(SnapshotStats& stats, const Entry& e, int sign) {
  uint64_t* counter = e.type == NodeType::File ? &stats.files : e.type == NodeType::Dir ? &stats.dirs : &stats.others;
  *counter += static_cast<uint64_t>(static_cast<int64_t>(sign));
  if (e.type == NodeType::File) stats.bytes += static_cast<uint64_t>(sign * static_cast<int64_t>(e.size));
}

BackupSession::BackupSession(Repository& repo, const BackupOptions& options, BackupProgress& progress, BackupResult& result)
    : repo_(repo),
      options_(options),
      progress_(progress),
      result_(result),
      packer_(repo.upload_backend(), repo.keys(), packs_into(repo.index()), repo.packer_options(options.workers)),
      log_(packer_),
      reader_(packer_, repo, progress.read, options.reader),
      cache_(options.journal ? options.journal->cache : nullptr) {}

void BackupSession::note_problem(ScanProblem p) {
  ++progress_.errors;
  result_.problems.push_back(std::move(p));
}

// `source` is where the uploader reads the content: the file, or its staged copy.
Status BackupSession::queue_content(const Entry& file, const Entry* staged_copy, std::optional<Hash> base) {
  // Without the index (a narrow slice) changed content is queued unchecked;
  // the uploader skips what the repository already holds.
  if (options_.upload || (repo_.index_loaded() && repo_.content_present(file.content, file.size))) return {};
  const Entry& source = staged_copy ? *staged_copy : file;
  UploadJob j;
  j.priority = options_.priority.priority(file);
  j.content = file.content;
  j.path = source.path;
  j.size = source.size;
  j.mtime_ns = source.mtime_ns;
  j.ctime_ns = source.ctime_ns;
  j.inode = source.inode;
  j.staged = staged_copy != nullptr;
  j.has_base = base.has_value();
  if (base) j.base = *base;
  jobs_.push_back(std::move(j));
  ++result_.queued_files;
  result_.queued_bytes += file.size;
  if (jobs_.size() >= 4096) {
    GB_CHECK(queue_step(options_.queue->enqueue(jobs_)));
    jobs_.clear();
  }
  return {};
}

// Backs a file up from a copy set aside in the staging area.
Status BackupSession::read_staged(Entry& e) {
  GB_ASSIGN(std::string copy_path, options_.staging->stage(e));
  auto staged = stat_entry(copy_path);
  if (!staged) return staged.error().in_context("the staged copy vanished");
  Entry copy = std::move(*staged);
  Status st = reader_.read(copy, options_.upload, 1);
  if (!st) {
    StagingArea::release(copy_path);
    return st;
  }
  e.content = copy.content;
  ++result_.staged_files;
  if (options_.queue) GB_CHECK(queue_step(options_.queue->clear_unstable(e.path)));
  if (options_.upload) {
    staged_to_release_.push_back(copy_path);  // once its packs are stored
    return {};
  }
  Status queued = queue_content(e, &copy, std::nullopt);
  if (!queued) StagingArea::release(copy_path);
  return queued;
}

// Reads a changed file: from a staged copy if it is known to be unstable or
// keeps changing while read, otherwise directly.
Status BackupSession::read_changed(Entry& e, std::optional<Hash> base) {
  if (options_.staging && options_.queue) {
    auto unstable = options_.queue->is_unstable(e.path);
    if (!unstable) return queue_step(unstable.error());
    if (*unstable) return read_staged(e);
  }
  Status st = reader_.read(e, options_.upload, 3, base);
  if (st) return queue_content(e, nullptr, base);
  if (options_.staging && st.error().cause == Cause::Unstable) return read_staged(e);
  return st;
}

Result<bool> BackupSession::fill_content(Entry& e, const Entry* old, const Entry* base) {
  SnapshotStats& stats = result_.snapshot.stats;
  auto linked = e.hardlink_id ? hardlinks_.find(e.hardlink_id) : hardlinks_.end();
  if (linked != hardlinks_.end()) {
    e.content = linked->second;
  } else if (old && content_unchanged(e, *old) && (!options_.upload || repo_.content_present(old->content, old->size))) {
    // Unchanged. Content a previous --no-upload run left queued stays queued (the
    // queue ignores a job it already has), so a lost queue is rebuilt here.
    e.content = old->content;
    GB_CHECK(queue_content(e, nullptr, std::nullopt));
  } else {
    std::optional<Hash> delta_base;
    if (base && base->type == NodeType::File) delta_base = base->content;
    if (prehashed_.count(e.path)) {
      GB_CHECK(queue_content(e, nullptr, delta_base));
    } else if (Status st = read_changed(e, delta_base); !st) {
      if (queue_failed_) return st.error();
      note_problem({e.path, st.error().message});
      return false;
    }
    ++stats.files_read;
    stats.bytes_read += e.size;
  }
  if (e.hardlink_id) hardlinks_.emplace(e.hardlink_id, e.content);
  return true;
}

Status BackupSession::prehash(const std::vector<std::pair<Entry*, const Entry*>>& files_and_old, int threads) {
  if (options_.upload) return {};  // storing reads go through the one packer, in order
  std::vector<Entry*> todo;
  for (auto [e, old] : files_and_old) {
    if (e->hardlink_id || (old && content_unchanged(*e, *old))) continue;
    if (options_.staging && options_.queue) {
      GB_ASSIGN(bool unstable, options_.queue->is_unstable(e->path));
      if (unstable) continue;
    }
    todo.push_back(e);
  }
  // Largest first: a big file started last would leave the other workers
  // idle while one hashes it alone.
  std::stable_sort(todo.begin(), todo.end(), [](const Entry* a, const Entry* b) { return a->size > b->size; });
  std::atomic<size_t> next{0};
  std::vector<char> ok(todo.size(), 0);
  parallel_for(static_cast<size_t>(std::max(1, threads)), [&](size_t) {
    FileReader reader(packer_, repo_, progress_.read, options_.reader);
    for (size_t i; (i = next++) < todo.size();) ok[i] = reader.read(*todo[i], /*store=*/false, 3).ok();
  });
  for (size_t i = 0; i < todo.size(); ++i)
    if (ok[i]) prehashed_.insert(todo[i]->path);
  return {};
}

Status BackupSession::write(const Entry& e, const Entry* old) {
  bool changed = !old || !same_entry(e, *old);
  if (changed) ++result_.snapshot.stats.changed_entries;
  if (changed && record_changes) changed_paths.push_back(e.path);
  if (result_.snapshot.checkpoint || changed) log_.add(e);
  if (cache_ && (changed || cache_every_entry)) GB_CHECK(cache_->put(e));
  return {};
}

Status BackupSession::write_deleted(const Entry& old) {
  ++result_.snapshot.stats.changed_entries;
  if (record_changes) changed_paths.push_back(old.path);
  if (!result_.snapshot.checkpoint) {
    Entry gone;
    gone.path = old.path;
    gone.deleted = true;
    log_.add(gone);
  }
  if (cache_) GB_CHECK(cache_->remove(old.path));
  return {};
}

Status BackupSession::finish(SnapshotStore& store) {
  Snapshot& snap = result_.snapshot;
  snap.log_blobs = log_.finish();
  if (!jobs_.empty()) GB_CHECK(options_.queue->enqueue(jobs_));
  GB_CHECK(packer_.finish());
  GB_CHECK(repo_.index().flush(repo_.backend(), repo_.keys().metadata));
  for (const auto& copy : staged_to_release_) StagingArea::release(copy);
  snap.stats.bytes_stored = packer_.stored_bytes();
  snap.stats.errors = result_.problems.size();
  test_pause_at("snapshot-save");  // tests only (test_pause.h): the window a prune sweep must not miss
  GB_CHECK(store.save(snap));
  if (const JournalUse* j = options_.journal) {
    // The cut first: a cache naming a snapshot without a cut only costs a
    // full scan, never a slice from the wrong place.
    GB_CHECK(j->journal->record_cut(j->repository_id, snap.id, j->cut));
    GB_CHECK(cache_->commit_update(snap.id));
  }
  return {};
}

}  // namespace gb
