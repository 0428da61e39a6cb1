#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/restore_json.h"
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
  auto overwrite = overwrite_mode_named(cl.value("overwrite").value_or("always"));
  if (!overwrite) return report_error(overwrite.error());
  opts.overwrite = *overwrite;
  opts.dry_run = cl.flag("dry-run");
  opts.delete_extra = cl.flag("delete");
  opts.verify = cl.flag("verify");
  if (opts.dry_run && opts.verify)
    return report_error(make_error(ErrorKind::InvalidArgument, "--verify reads back what a restore wrote; a --dry-run writes nothing"));
  const bool json = cl.flag("json");
  // Under --json stdout is the one object: the names go to stderr.
  if (cl.flag("verbose"))
    opts.on_action = [&](RestoreAction a, const std::string& path) {
      std::fprintf(json ? stderr : stdout, "%s %s\n", action_name(a, opts.dry_run), path.c_str());
    };
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
    // The snapshot's totals hold for a whole restore; PATHs restore an unknown share of them.
    uint64_t total_files = opts.include.empty() ? snap.stats.files : 0, total_bytes = opts.include.empty() ? snap.stats.bytes : 0;
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !json, [&] {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return restore_progress_text(progress.files.load(), total_files, progress.bytes.load(), total_bytes, s);
    });
    result = run_restore(*repo, snap, opts, progress);
  }
  if (!result) return report_error(result.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const RestoreResult& r = *result;
  if (cl.flag("verbose"))
    for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (json) {
    std::printf("%s\n", json_text(restore_json(snap, *target, opts, r, secs)).c_str());
  } else if (!cl.flag("quiet")) {
    // Only what happened is named: "kept" and "deleted" when there were any.
    std::string kept = r.kept ? fmt::format("; {} kept ({}, already there{})", counted(r.kept, "file or node", "files or nodes"),
                                            human_bytes(r.kept_bytes), opts.overwrite == Overwrite::IfChanged ? " and unchanged" : "")
                              : "";
    std::string deleted = opts.delete_extra ? fmt::format("; {} {} ({})", counted(r.deleted, "entry", "entries"),
                                                          opts.dry_run ? "would be deleted" : "deleted", human_bytes(r.deleted_bytes))
                                            : "";
    std::string verified = opts.verify ? fmt::format("; {} read back and verified", counted(r.verified, "file", "files")) : "";
    std::printf("%s snapshot %s to %s: %s, %s, %s, %s%s%s%s in %s\n", opts.dry_run ? "dry run, nothing written: would restore" : "restored",
                snap.short_id().c_str(), target->c_str(), counted(r.files, "file", "files").c_str(), counted(r.dirs, "dir", "dirs").c_str(),
                counted(r.others, "other", "others").c_str(), human_bytes(r.bytes).c_str(), kept.c_str(), deleted.c_str(), verified.c_str(),
                human_duration(secs).c_str());
  }
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
  for (const auto& m : r.mismatched) std::fprintf(stderr, "error: verify: %s: %s\n", m.path.c_str(), m.message.c_str());
  if (!r.mismatched.empty()) {
    std::fprintf(stderr, "gridbackup: %s in the target %s not match the snapshot when read back (listed above)\n",
                 counted(r.mismatched.size(), "file", "files").c_str(), r.mismatched.size() == 1 ? "does" : "do");
    return kExitError;
  }
  if (!r.failures.empty()) {
    std::fprintf(stderr, "gridbackup: %zu paths could not be restored (listed above)\n", r.failures.size());
    return kExitPartial;
  }
  return kExitOk;
}

const Command kRestoreCommand = {"restore",
                                 "SNAPSHOT|latest --target DIR [PATH...]",
                                 "restore a snapshot (or only PATHs) below DIR",
                                 [](CommandOptions& o) {
                                   o.value("target", "DIR", "where to restore (required)");
                                   o.value("overwrite", "MODE",
                                           "what to do with a file already in the target: always (replace it; the default), if-changed "
                                           "(keep it when its size and mtime are the snapshot's, or its content hash is; replace it "
                                           "otherwise), if-newer (replace it only when the snapshot's mtime is later), never (keep it)");
                                   o.flag("delete", "remove what the snapshot lacks below the restored paths (never outside the target)");
                                   o.flag("dry-run", "count what would be written, kept and deleted; write nothing");
                                   o.flag("verify", "read every file written (or kept as unchanged) back and compare it with the snapshot");
                                   o.host_and_path();
                                   o.verbose("name each path restored, kept or deleted");
                                   o.json("print what was written, kept and deleted as one JSON object (docs/JSON.md)");
                                   o.no_progress();
                                 },
                                 cmd_restore,
                                 false,
                                 "A restore stopped at any point (even kill -9) resumes with --overwrite if-changed: what is\n"
                                 "already right is kept, the rest is written, and each file appears whole or not at all."};

}  // namespace gb
