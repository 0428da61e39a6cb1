#include "core/backup/backup_run.h"

#include <fmt/format.h>
#include <optional>

#include "core/backup/backup_session.h"
#include "core/backup/narrow_slice.h"
#include "core/common/clock.h"
#include "core/common/path_order.h"
#include "core/fs/file_system.h"
#include "core/journal/scan_fallback.h"
#include "core/journal/slice_plan.h"
#include "core/queue/storing_run.h"
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

// The journal's records since the parent's cut, up to this backup's cut.
Result<std::vector<ChangeRecord>> records_between(ChangeJournal& journal, int64_t after, int64_t upto) {
  std::vector<ChangeRecord> out;
  for (;;) {
    GB_ASSIGN(auto rows, journal.read_since(after, 65536));
    for (auto& row : rows) {
      if (row.seq > upto) return out;
      out.push_back(std::move(row.record));
    }
    if (rows.empty()) return out;
    after = rows.back().seq;
  }
}

// When the journal says most of the previous snapshot is gone, a full scan
// is faster than the narrow slice (scan_fallback.h); says so and why.
bool fall_back_to_full_scan(const Snapshot& parent, const SlicePlan& plan, std::string& why) {
  uint64_t previous = parent.stats.files + parent.stats.dirs + parent.stats.others;
  ScanFallback f = plan_scan_fallback(plan, previous, ScanFallbackRule::from_environment());
  if (!f.full_scan) return false;
  why = fmt::format("the change journal says {} names are gone, {:.0f}% of the previous snapshot's {} entries: a scan is faster", f.gone,
                    previous ? 100.0 * static_cast<double>(f.gone) / static_cast<double>(previous) : 100.0, previous);
  return true;
}

// Whether this backup can be a narrow slice from `parent`; if not, says why.
Result<std::optional<SlicePlan>> slice_plan_for(const JournalUse& j, const Snapshot& parent, const std::vector<std::string>& roots,
                                                std::string& why_not) {
  GB_ASSIGN(std::string cached, j.cache->snapshot_id());
  GB_ASSIGN(auto parent_cut, j.journal->cut_of(j.repository_id, parent.id));
  if (!parent_cut || cached != parent.id) {
    why_not = "the previous snapshot was not taken with this change journal";
    return std::optional<SlicePlan>();
  }
  if (parent.depth + 1 >= kMaxSliceDepth) {
    why_not = fmt::format("{} narrow slices since the last full scan: time for a checkpoint", parent.depth);
    return std::optional<SlicePlan>();
  }
  GB_ASSIGN(auto records, records_between(*j.journal, *parent_cut, j.cut));
  SlicePlan plan = plan_slice(records, roots);
  if (plan.needs_full_scan()) {
    why_not = fmt::format("the change journal asks for a rescan of {} (agent restart or lost events)", plan.full_roots.front());
    return std::optional<SlicePlan>();
  }
  if (fall_back_to_full_scan(parent, plan, why_not)) return std::optional<SlicePlan>();
  return std::optional<SlicePlan>(std::move(plan));
}

// The full scan: walk the roots in path order and merge-join with the
// parent's view.
Status full_scan(Repository& repo, const ExcludeRules& excludes, BackupProgress& progress, BackupSession& session,
                 const std::vector<std::string>& roots, const std::vector<std::vector<Hash>>* parent_logs, BackupResult& result) {
  std::unique_ptr<ViewReader> before;
  if (parent_logs) before = std::make_unique<ViewReader>(repo, *parent_logs);
  Entry prev;
  bool prev_live = false;
  auto advance_prev = [&]() -> Status {
    if (!before) return {};
    GB_ASSIGN(prev_live, before->next(prev));
    return {};
  };
  GB_CHECK(advance_prev());
  Scanner scanner(roots, excludes, [&](ScanProblem p) { session.note_problem(std::move(p)); });
  SnapshotStats& stats = session.stats();
  Entry e;
  while (scanner.next(e)) {
    ++progress.entries;
    GB_CHECK(session.packer_status());
    while (prev_live && path_less(prev.path, e.path)) {
      GB_CHECK(session.write_deleted(prev));
      GB_CHECK(advance_prev());
    }
    const Entry* old = prev_live && prev.path == e.path ? &prev : nullptr;
    if (e.type == NodeType::File) {
      GB_ASSIGN(bool backed_up, session.fill_content(e, old, old));
      if (!backed_up) {
        // Not backed up: a delta drops the path, so no stale content is claimed.
        if (old) GB_CHECK(session.write_deleted(*old));
        if (old) GB_CHECK(advance_prev());
        continue;
      }
    }
    count_in_totals(stats, e, +1);
    if (e.type == NodeType::File) progress.bytes += e.size;
    GB_CHECK(session.write(e, old));
    if (old) GB_CHECK(advance_prev());
  }
  while (prev_live) {
    GB_CHECK(session.write_deleted(prev));
    GB_CHECK(advance_prev());
  }
  for (const auto& dir : scanner.unentered())
    if (fs::unmounted_subvolume(dir)) result.unentered_subvolumes.push_back(dir);
  return {};
}

// An audit: after a full scan with an agent running, every change the scan
// found must be one the journal named. Hard-linked files change through
// their other names, so they are checked through the inode, not the name.
Status audit_against_journal(const JournalUse& j, const Snapshot& parent, const std::vector<std::string>& roots,
                             const std::vector<std::string>& changed, BackupResult& result) {
  GB_ASSIGN(auto parent_cut, j.journal->cut_of(j.repository_id, parent.id));
  if (!parent_cut) return {};
  GB_ASSIGN(int64_t now, j.journal->last_seq());
  GB_ASSIGN(auto records, records_between(*j.journal, *parent_cut, now));
  SlicePlan plan = plan_slice(records, roots);
  result.audited = true;
  for (const auto& path : changed) {
    if (plan.covers(path)) continue;
    GB_ASSIGN(auto old, j.cache->get(path));
    if (old && old->hardlink_id) continue;
    result.audit_missed.push_back(path);
  }
  return {};
}

}  // namespace

Result<BackupResult> run_backup(Repository& repo, const BackupOptions& options, BackupProgress& progress) {
  GB_ASSIGN(std::vector<std::string> roots, normalise_roots(options.paths));
  GB_ASSIGN(ExcludeRules excludes, ExcludeRules::make(options.excludes));
  if (!options.upload && !options.queue) return make_error(ErrorKind::InvalidArgument, "a backup without upload needs the upload queue");
  SnapshotStore store(repo);
  GB_ASSIGN(auto all, store.list());
  std::optional<Snapshot> previous = find_parent(all, options.hostname, roots);
  std::optional<Snapshot> parent = options.force_full_read ? std::nullopt : previous;

  BackupResult result;
  Snapshot& snap = result.snapshot;
  snap.time_ns = now_ns();
  snap.hostname = options.hostname;
  snap.username = options.username;
  snap.paths = roots;
  snap.tags = options.tags;
  snap.excludes = describe_excludes(options.excludes);
  if (parent) {
    snap.parent = parent->id;
    result.parent_short_id = parent->short_id();
  }

  const JournalUse* journal = options.journal;
  std::optional<SlicePlan> plan;
  if (journal && !parent) result.full_scan_reason = "there is no previous snapshot of these paths";
  if (journal && parent && journal->audit) result.full_scan_reason = "an audit of the change journal";
  // A file's size changes through whichever of its names is written, and the
  // view cache knows no name of a file the size limit kept out: a narrow
  // slice could miss a hard link coming back under the limit. So a size
  // limit means a full scan (cli.agent_differential found the case).
  if (journal && parent && !journal->audit && options.excludes.larger_than) {
    result.full_scan_reason = "--exclude-larger-than is given (a file's size can change through a hard link the change journal does not name)";
  } else if (journal && parent && !journal->audit && parent->excludes != snap.excludes) {
    // The journal names what changed, not what another exclude list would have kept.
    result.full_scan_reason = "the excludes differ from the previous snapshot's";
  } else if (journal && parent && !journal->audit) {
    GB_ASSIGN(plan, slice_plan_for(*journal, *parent, roots, result.full_scan_reason));
  }

  if (plan) {
    snap.checkpoint = false;
    snap.depth = parent->depth + 1;
    snap.stats = parent->stats;
    snap.stats.changed_entries = snap.stats.files_read = snap.stats.bytes_read = 0;
  } else {
    snap.checkpoint = !parent || parent->depth + 1 >= repo.config().checkpoint_interval;
    snap.depth = snap.checkpoint ? 0 : parent->depth + 1;
  }

  // A narrow slice that only queues content stores nothing but its log, so
  // it needs no index (reading it would cost time in proportion to the
  // repository); everything else dedups against it.
  std::optional<StoringRun> storing;
  if (!plan || options.upload) {
    GB_CHECK(repo.load_index());
    // What a killed run stored is not stored again; data/ is listed only
    // when a run was interrupted (storing_run.h).
    GB_ASSIGN(storing, StoringRun::begin(options.queue));
    GB_CHECK(storing->adopt_interrupted(repo));
  }
  if (journal) GB_CHECK(journal->cache->begin_update(false));
  BackupSession session(repo, options, progress, result);
  if (plan) {
    result.narrow = true;
    GB_CHECK(run_narrow_slice(*plan, roots, options, excludes, progress, session, *journal->cache, result));
  } else {
    // What the progress line measures against; --force reads everything
    // again, but the tree is the same size.
    if (previous) {
      progress.total_bytes = previous->stats.bytes;
      progress.total_entries = previous->stats.files + previous->stats.dirs + previous->stats.others;
    }
    std::optional<std::vector<std::vector<Hash>>> logs;
    if (parent) {
      GB_ASSIGN(logs, store.chain(*parent));
    }
    if (journal) {
      GB_ASSIGN(std::string cached, journal->cache->snapshot_id());
      if (!parent || cached != parent->id) {
        // The cache mirrors another snapshot: rebuild it from this scan.
        journal->cache->abandon_update();
        GB_CHECK(journal->cache->begin_update(true));
        session.cache_every_entry = true;
      }
      session.record_changes = journal->audit && parent && !session.cache_every_entry;
    }
    GB_CHECK(full_scan(repo, excludes, progress, session, roots, logs ? &*logs : nullptr, result));
    if (session.record_changes) GB_CHECK(audit_against_journal(*journal, *parent, roots, session.changed_paths, result));
  }
  GB_CHECK(session.finish(store));
  if (storing) GB_CHECK(storing->finish());
  return result;
}

}  // namespace gb
