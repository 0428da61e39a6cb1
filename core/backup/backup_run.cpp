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

// Whether every blob of this content is in the repository (a parent that was
// cut short could reference content that never got stored).
bool content_present(Repository& repo, const Entry& e) {
  if (e.size == 0) return true;
  for (const Hash& h : repo.content_segments(e.content))
    if (!repo.index().has_blob(h)) return false;
  return true;
}

}  // namespace

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress) {
  GB_ASSIGN(std::vector<std::string> roots, normalise_roots(options.paths));
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

  PackerOptions po;
  po.workers = options.workers;
  po.pack_target = repo.config().pack_target;
  po.compression_level = repo.config().compression_level;
  Packer packer(repo.backend(), repo.keys(), repo.index(), po);
  LogWriter log(packer);
  FileReader reader(packer, repo.index(), repo.config().segment_size, progress.read);
  std::unordered_map<uint64_t, Hash> hardlinks;  // hardlink id -> content already read this run
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
      } else if (old && content_unchanged(e, *old) && content_present(repo, *old)) {
        e.content = old->content;
      } else if (Status st = reader.read(e); !st) {
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
  GB_CHECK(packer.finish());
  GB_CHECK(repo.index().flush(repo.backend(), repo.keys().metadata));
  stats.bytes_stored = packer.stored_bytes();
  stats.errors = result.problems.size();
  GB_CHECK(store.save(snap));
  return result;
}

}  // namespace gb
