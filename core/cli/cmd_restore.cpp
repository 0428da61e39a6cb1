#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/progress_line.h"
#include "core/restore/restorer.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

int cmd_restore(const CommandLine& cl) {
  if (cl.args.empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup restore SNAPSHOT|latest --target DIR [PATH...]"));
  auto target = cl.value("target");
  if (!target || target->empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "restore needs --target DIR (use --target / to restore in place)"));
  RestoreOptions opts;
  opts.target = *target;
  for (size_t i = 1; i < cl.args.size(); ++i) {
    auto p = stored_path_argument(cl.args[i], "restore");
    if (!p) return report_error(p.error());
    opts.include.push_back(*p);
  }
  std::unique_ptr<Repository> repo;
  Snapshot snap;
  if (int code = open_snapshot_or_report(cl, cl.args[0], repo, snap)) return code;
  auto start = std::chrono::steady_clock::now();
  RestoreProgress progress;
  Result<RestoreResult> result = make_error(ErrorKind::Io, "restore did not run");
  {
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress"), [&] {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return fmt::format("[{}] {} entries, {} of {} written", human_duration(s), progress.entries.load(), human_bytes(progress.bytes.load()),
                         human_bytes(snap.stats.bytes));
    });
    result = run_restore(*repo, snap, opts, progress);
  }
  if (!result) return report_error(result.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const RestoreResult& r = *result;
  if (cl.flag("verbose"))
    for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!cl.flag("quiet"))
    std::printf("restored snapshot %s to %s: %llu files, %llu dirs, %llu others, %s in %s\n", snap.short_id().c_str(), target->c_str(),
                (unsigned long long)r.files, (unsigned long long)r.dirs, (unsigned long long)r.others, human_bytes(r.bytes).c_str(),
                human_duration(secs).c_str());
  if (!r.warnings.empty() && !cl.flag("verbose"))
    std::fprintf(stderr, "note: %zu metadata items (owners, attributes, times) could not be applied; --verbose lists them\n", r.warnings.size());
  for (const auto& l : r.replaced_links)
    std::fprintf(stderr, "note: %s%s was a symlink in the target; replaced, not followed\n", opts.target == "/" ? "" : target->c_str(), l.c_str());
  for (const auto& f : r.failures) std::fprintf(stderr, "error: not restored: %s: %s\n", f.path.c_str(), f.message.c_str());
  for (const auto& f : r.damaged) std::fprintf(stderr, "error: damaged in the repository: %s: %s\n", f.path.c_str(), f.message.c_str());
  if (!r.damaged.empty()) {
    std::string objects;
    for (const auto& o : r.damaged_objects) {
      if (!objects.empty()) objects += ", ";
      objects += o;
    }
    std::fprintf(stderr,
                 "gridbackup: %zu files could not be restored because repository objects are damaged or missing (%s); the rest was restored\n",
                 r.damaged.size(), objects.c_str());
    return kExitDamaged;
  }
  if (!r.not_uploaded.empty()) {
    size_t shown = std::min<size_t>(r.not_uploaded.size(), cl.flag("verbose") ? SIZE_MAX : 20);
    for (size_t i = 0; i < shown; ++i) std::fprintf(stderr, "missing: not uploaded yet: %s\n", r.not_uploaded[i].c_str());
    if (shown < r.not_uploaded.size()) std::fprintf(stderr, "missing: ... and %zu more (--verbose lists all)\n", r.not_uploaded.size() - shown);
    std::fprintf(stderr,
                 "gridbackup: snapshot %s is incomplete: %zu files were not uploaded yet (still queued, or changed before their upload) and were not "
                 "restored; everything else was\n",
                 snap.short_id().c_str(), r.not_uploaded.size());
    return kExitPartial;
  }
  if (!r.failures.empty()) {
    std::fprintf(stderr, "gridbackup: %zu paths could not be restored (listed above)\n", r.failures.size());
    return kExitPartial;
  }
  return kExitOk;
}

const Command kRestoreCommand = {"restore", "SNAPSHOT|latest --target DIR [PATH...]", "restore a snapshot (or only PATHs) below DIR",
                                 [](CommandOptions& o) {
                                   o.value("target", "DIR", "where to restore (required)");
                                   o.host_and_path();
                                   o.verbose("name each file restored");
                                   o.no_progress();
                                 },
                                 cmd_restore};

}  // namespace gb
