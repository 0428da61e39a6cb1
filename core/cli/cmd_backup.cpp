#include <fmt/format.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/backup/backup_run.h"
#include "core/backup/own_files.h"
#include "core/cli/backup_sources.h"
#include "core/cli/change_listing.h"
#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/upload_step.h"
#include "core/fs/file_system.h"
#include "core/repository/seen_objects.h"

namespace gb {

namespace {

// GridBackup's own files are never backed up (own_files.h): a local
// repository (it would store itself, growing every run), the state dir (a
// cache of the repository, which the agent does not journal), the system
// agent's, and the cap file. One line says so when a path given holds them.
void exclude_own_files(const CommandLine& cl, Repository& repo, BackupOptions& opts) {
  std::vector<OwnPath> own;
  for (const auto& dir : local_repository_dirs(repo.backend().url())) own.push_back({"the repository", dir});
  const LocalState state = local_state(cl);
  own.push_back({"the state dir", absolute_normal(state.dir())});
  if (std::string j = state.journal_home().dir(); j != state.dir()) own.push_back({"the agent's state dir", absolute_normal(j)});
  std::error_code ec;
  if (std::string cap = cap_file(cl); std::filesystem::exists(cap, ec)) own.push_back({"the cap file", absolute_normal(cap)});
  for (auto& p : own_exclude_patterns(own)) opts.excludes.patterns.push_back(std::move(p));
  std::vector<std::string> roots;
  for (const auto& p : opts.paths) roots.push_back(absolute_normal(p));
  if (std::string note = own_files_note(own, roots); !note.empty() && !cl.flag("quiet") && !cl.flag("json"))
    std::fprintf(stderr, "gridbackup: note: %s\n", note.c_str());
}

// A path not backed up: a warning on stderr, and under --json also an error
// line on stdout, restic's shape, so the stream alone tells a script.
void not_backed_up(bool json, const std::string& path, const std::string& why) {
  std::fprintf(stderr, "warning: not backed up: %s: %s\n", path.c_str(), why.c_str());
  if (json) std::printf("%s\n", json_text({{"message_type", "error"}, {"error", {{"message", why}}}, {"during", "scan"}, {"item", path}}).c_str());
}

// The --json status line, restic's shape: the figures the progress line
// shows. total_* are the parent snapshot's (0: no total, percent_done 0,
// seconds_remaining null).
Json backup_status_json(const BackupCounts& c, double elapsed) {
  double fraction = backup_fraction(c);
  double eta = fraction >= 0 ? eta_seconds(fraction, elapsed) : -1;
  return {{"message_type", "status"},
          {"seconds_elapsed", std::llround(elapsed)},
          {"seconds_remaining", eta >= 0 ? Json(std::llround(eta)) : Json()},
          {"percent_done", fraction >= 0 ? std::round(capped_fraction(fraction) * 10000) / 10000 : 0.0},
          {"total_files", c.total_entries},
          {"files_done", c.entries},
          {"total_bytes", c.total_bytes},
          {"bytes_done", c.bytes},
          {"bytes_read", c.bytes_read},
          {"error_count", c.errors}};
}

}  // namespace

// The one sentence when nothing given exists: restic's users expect a
// missing path to be skipped, but a backup of nothing is a mistake.
static Error nothing_exists(const BackupSources& sources) {
  std::string names;
  for (const auto& m : sources.missing) names += (names.empty() ? "" : ", ") + m;
  for (const auto& u : sources.unmatched) names += (names.empty() ? "" : ", ") + u;
  return make_error(ErrorKind::NotFound, fmt::format("cannot back up {}: No such file or directory; nothing was backed up", names));
}

int cmd_backup(const CommandLine& cl) {
  auto sources = backup_sources(cl);
  if (!sources) return report_error(sources.error());
  if (sources->paths.empty() && sources->missing.empty() && sources->unmatched.empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "backup needs at least one path to back up (PATH... or --files-from FILE)"));
  if (sources->paths.empty()) return report_error(nothing_exists(*sources));
  BackupOptions opts;
  // A path that is not there is skipped, as restic does: the rest is saved, exit 3.
  size_t skipped = sources->missing.size() + sources->unmatched.size();
  const bool json = cl.flag("json");
  for (const auto& m : sources->missing) not_backed_up(json, m, "No such file or directory; skipped");
  for (const auto& u : sources->unmatched) not_backed_up(json, u, "--files-from pattern matches no file; skipped");
  for (const auto& p : sources->paths) {
    if (auto kind = fs::pseudo_filesystem(p)) {
      not_backed_up(json, p, fmt::format("a {} pseudo-filesystem (kernel state, no files to keep); skipped", *kind));
      ++skipped;
    } else {
      opts.paths.push_back(p);
    }
  }
  if (opts.paths.empty())
    return report_error(make_error(ErrorKind::InvalidArgument,
                                   "every path given is on a kernel pseudo-filesystem (proc, sysfs, ...) or missing; nothing to back up"));
  auto excludes = exclude_spec(cl);
  if (!excludes) return report_error(excludes.error());
  opts.excludes = std::move(*excludes);
  opts.hostname = host_name(cl);
  opts.username = user_name();
  auto tags = tag_set(cl.all("tag"));
  if (!tags) return report_error(tags.error());
  opts.tags = std::move(*tags);
  opts.force_full_read = cl.flag("force");
  opts.upload = !cl.flag("no-upload");
  std::vector<PriorityRule> rules;
  for (const auto& text : cl.all("priority")) {
    auto rule = PriorityPolicy::parse_rule(text);
    if (!rule) return report_error(rule.error());
    rules.push_back(*rule);
  }
  opts.priority = PriorityPolicy(rules);
  auto transfer = transfer_options(cl);
  if (!transfer) return report_error(transfer.error());
  opts.workers = transfer->parallel;
  opts.reader.max_delta_chain = transfer->max_delta_chain;

  std::unique_ptr<Repository> repo;
  // The index is read by run_backup when it needs it (not for a narrow slice without upload).
  if (int code = open_or_report(cl, repo, /*load_index=*/false)) return code;
  exclude_own_files(cl, *repo, opts);
  auto queue = open_queue(cl, *repo);
  if (!queue) return report_error(queue.error());
  opts.queue = queue->get();
  // Unstable files are copied aside here; 1 GiB bounds the disk it may take.
  StagingArea staging(local_state(cl).staging_dir(*repo), 1ull << 30);
  opts.staging = &staging;
  auto limited = limit_uploads(*repo, *transfer);
  auto start = std::chrono::steady_clock::now();
  std::string journal_note;
  auto journal = prepare_journal(cl, *repo, opts.paths, opts.hostname, journal_note);
  if (!journal) return report_error(journal.error());
  if (*journal) opts.journal = &(*journal)->use;
  if (!journal_note.empty() && !cl.flag("quiet")) std::fprintf(stderr, "gridbackup: %s\n", journal_note.c_str());
  BackupProgress progress;
  Result<BackupResult> result = make_error(ErrorKind::Io, "backup did not run");
  {
    auto counts = [&] {
      return BackupCounts{progress.entries, progress.bytes, progress.total_entries, progress.total_bytes, progress.read.bytes, progress.errors};
    };
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !json, [&] { return backup_progress_text(counts(), elapsed()); });
    StatusLines status(json, std::chrono::seconds(1), [&] { return json_text(backup_status_json(counts(), elapsed())); });
    result = run_backup(*repo, opts, progress);
  }
  if (!result) return report_error(result.error());
  // This machine's own snapshot counts as seen: a rollback past it is noticed (seen_objects.h).
  if (Status st = record_seen_snapshot(local_state(cl).seen_objects_path(*repo), result->snapshot.id); !st)
    std::fprintf(stderr, "warning: %s\n", st.error().message.c_str());
  if (*journal) {
    if (Status st = finish_journal(**journal, *result, cl.flag("quiet") || cl.flag("json")); !st) return report_error(st.error());
  }
  int upload_code = kExitOk;
  if (opts.upload) upload_code = drain_queue(cl, *repo, **queue, *transfer, UploadOptions::Adopt::Never);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Snapshot& s = result->snapshot;
  const SnapshotStats& t = s.stats;
  for (const auto& p : result->problems) not_backed_up(json, p.path, p.message);
  // What restic's and borg's users found out months later: a subvolume no
  // mount shows is kept out like a mount point. Said once per backup.
  if (const auto& subs = result->unentered_subvolumes; !subs.empty() && !cl.flag("quiet") && !cl.flag("json")) {
    std::string names;
    for (size_t i = 0; i < subs.size() && i < 3; ++i) names += (i ? ", " : "") + subs[i];
    std::fprintf(stderr,
                 "gridbackup: note: %zu btrfs subvolume%s below the paths, mounted nowhere, %s recorded but not entered (%s%s); name one as a path "
                 "to back it up\n",
                 subs.size(), subs.size() == 1 ? "" : "s", subs.size() == 1 ? "is" : "are", names.c_str(), subs.size() > 3 ? ", ..." : "");
  }
  if (json) {
    Json out = {{"message_type", "summary"},
                {"snapshot", s.id},
                {"parent", s.parent.empty() ? Json() : Json(s.parent)},
                {"checkpoint", s.checkpoint},
                {"files", t.files},
                {"dirs", t.dirs},
                {"others", t.others},
                {"bytes", t.bytes},
                {"changed_entries", t.changed_entries},
                {"files_read", t.files_read},
                {"bytes_read", t.bytes_read},
                {"bytes_stored", t.bytes_stored},
                {"errors", t.errors},
                {"deltas", progress.read.deltas.load()},
                {"queued_files", result->queued_files},
                {"narrow", result->narrow},
                {"slice_paths", result->slice_paths},
                {"audit_missed", result->audited ? Json(result->audit_missed.size()) : Json()},
                {"seconds", json_seconds(secs)}};
    std::printf("%s\n", json_text(out).c_str());
  } else if (!cl.flag("quiet")) {
    std::printf("snapshot %s saved%s\n", s.short_id().c_str(),
                result->parent_short_id.empty() ? "" : fmt::format(" (compared with {})", result->parent_short_id).c_str());
    std::printf("  %s (%llu read), %s, %s, %s\n", counted(t.files, "file").c_str(), (unsigned long long)t.files_read, counted(t.dirs, "dir").c_str(),
                counted(t.others, "other").c_str(), counted(t.changed_entries, "changed entry", "changed entries").c_str());
    std::printf("  %s in view, %s read, %s added to the repository, in %s\n", human_bytes(t.bytes).c_str(), human_bytes(t.bytes_read).c_str(),
                human_bytes(t.bytes_stored).c_str(), human_duration(secs).c_str());
    if (result->narrow)
      std::printf("  narrow slice: %s named by the change journal\n", counted(result->slice_paths, "path").c_str());
    else if (opts.journal)
      std::printf("  full scan: %s\n", result->full_scan_reason.c_str());
    if (result->staged_files) std::printf("  %s backed up from a copy set aside\n", counted(result->staged_files, "unstable file").c_str());
    if (result->queued_files)
      std::printf("  %s (%s) queued for upload; 'gridbackup upload' stores them\n", counted(result->queued_files, "file").c_str(),
                  human_bytes(result->queued_bytes).c_str());
    if (cl.verbosity > 0)
      if (Status st = print_snapshot_changes(*repo, s, cl.verbosity > 1); !st)
        std::fprintf(stderr, "gridbackup: warning: cannot list the changes: %s\n", st.error().message.c_str());
  }
  if (skipped && result->problems.empty()) {
    std::fprintf(stderr, "gridbackup: %s given %s skipped (listed above); the snapshot holds the others\n", counted(skipped, "path").c_str(),
                 skipped == 1 ? "was" : "were");
    return kExitPartial;
  }
  if (!result->problems.empty()) {
    const size_t failed = result->problems.size() + skipped;
    std::fprintf(stderr, "gridbackup: %s could not be backed up (listed above); the snapshot holds everything else\n",
                 counted(failed, "path").c_str());
    return kExitPartial;
  }
  // An audit that found misses is a failure of the journal, said above; the
  // snapshot itself is right, so this comes after the partial-backup code.
  if (upload_code == kExitOk && result->audited && !result->audit_missed.empty()) return kExitAuditMissed;
  return upload_code;
}

namespace {

void backup_options(CommandOptions& o) {
  o.verbose("-v: what changed since the parent snapshot, in numbers; -vv: and each path (diff's letters)");
  declare_exclude_options(o);
  declare_files_from_options(o);
  o.value("priority", "PATTERN=high|normal|low|lowest", "upload order rule (repeatable)");
  o.flag("force", "read every file again, ignoring the previous snapshot");
  o.flag("no-upload", "commit the snapshot at once; content waits in the upload queue ('gridbackup upload')");
  o.value("host", "NAME", "host name recorded in the snapshot (default GRIDBACKUP_HOST, then the machine's name)");
  o.value("tag", "TAG[,TAG...]", "tags recorded in the snapshot (repeatable; 'gridbackup tag' changes them later)");
  o.transfer();
  o.flag("audit", "scan in full now, with the agent running, and check that the change journal missed nothing");
  o.value("audit-interval", "DURATION", "audit that often (default 7d)");
  o.flag("from-journal", "use the change journal even where a full scan is due");
  o.flag("no-journal", "always scan in full");
  o.json("JSON lines: status about once a second, an error per path skipped, then the summary (docs/JSON.md)");
  o.no_progress();
}

}  // namespace

const Command kBackupCommand = {"backup", "[PATH...]", "back up paths (one filesystem per path), then upload", backup_options, cmd_backup, true};

}  // namespace gb
