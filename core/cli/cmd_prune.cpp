// gridbackup prune: delete what no kept snapshot needs (core/prune/pruner.h).
#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/prune_step.h"
#include "core/cli/time_text.h"
#include "core/common/duration.h"
#include "core/common/private_files.h"
#include "core/connect/open_backend.h"

namespace gb {
namespace {

// A duration (core/common/duration.h) in elapsed seconds.
Result<int64_t> parse_seconds(const std::string& option, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return d.error().in_context("--" + option);
  return d->total_seconds();
}

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576.0); }

}  // namespace

void prune_tuning_options(CommandOptions& o) {
  o.value("grace", "DURATION", "sweep only a plan at least this old (default 1h; 0: mark and sweep at once)");
  o.value("wait", "DURATION", "how long to wait for processes older than the plan (default 10m), else defer");
  o.value("max-unused", "PERCENT", "rewrite packs more than this unused (default 10%)");
}

Result<PruneOptions> prune_options_from(const CommandLine& cl, const std::string& lock_host) {
  PruneOptions options;
  if (auto v = cl.value("grace")) {
    GB_ASSIGN(options.grace_seconds, parse_seconds("grace", *v));
  }
  if (auto v = cl.value("wait")) {
    GB_ASSIGN(options.wait_seconds, parse_seconds("wait", *v));
  }
  if (auto v = cl.value("max-unused")) {
    char* end = nullptr;
    double pct = std::strtod(v->c_str(), &end);
    if (v->empty() || *end || !(pct >= 0 && pct <= 100))
      return make_error(ErrorKind::InvalidArgument, fmt::format("--max-unused needs a percentage from 0 to 100, not '{}'", *v));
    options.max_unused = pct / 100;
  }
  options.dry_run = cl.flag("dry-run");
  options.host = lock_host;
  options.scratch_dir = local_state(cl).scratch_dir();
  return options;
}

Result<PruneResult> run_prune_step(const CommandLine& cl, PruneOptions options) {
  GB_CHECK(make_private_dir(options.scratch_dir));
  if (!cl.flag("json") && !cl.flag("quiet")) options.say = [](const std::string& s) { std::printf("%s\n", s.c_str()), std::fflush(stdout); };
  RepositoryOpener open = [&]() -> Result<std::unique_ptr<Repository>> {
    GB_ASSIGN(RootCap cap, load_cap(cl));
    GB_ASSIGN(auto backend, open_backend(repository_url(cl, cap)));
    return Repository::open(std::move(backend), cap.master, false);
  };
  PruneProgress progress;
  options.progress = &progress;
  auto start = std::chrono::steady_clock::now();
  ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"), [&] {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t done = progress.views_done.load(), total = progress.views_total.load();
    if (total == 0) return fmt::format("[{}] prune", human_duration(elapsed));
    return fmt::format("[{}] prune: marking: {}: {}/{} snapshot views read", human_duration(elapsed),
                       percent_and_eta(static_cast<double>(done) / static_cast<double>(total), elapsed), done, total);
  });
  return run_prune(open, options);
}

Json prune_json(const PruneResult& r, const PruneOptions& options) {
  return {{"swept", r.swept},
          {"planned", r.planned},
          {"deferred", r.deferred},
          {"dry_run", options.dry_run},
          {"snapshots_kept", r.snapshots_kept},
          {"candidate_blobs", r.candidate_blobs},
          {"candidate_bytes", r.candidate_bytes},
          {"packs_deleted", r.packs_deleted},
          {"packs_rewritten", r.packs_rewritten},
          {"blobs_deleted", r.blobs_deleted},
          {"snapshots_deleted", r.snapshots_deleted},
          {"snapshots_needed_as_base", r.snapshots_needed_as_base},
          {"rebased", r.rebased},
          {"bytes_deleted", r.bytes_deleted},
          {"bytes_written", r.bytes_written},
          {"bytes_freed", r.bytes_freed()},
          {"unused_bytes_kept", r.unused_bytes_kept},
          {"plan_ripe", r.plan_ripe_ns && !r.swept ? Json(local_time_text(r.plan_ripe_ns)) : Json()}};
}

void print_prune_result(const PruneResult& r, const PruneOptions& options) {
  if (options.dry_run && !r.nothing_to_do) {
    std::printf("would delete %s, rewrite %s (copying %s), re-base %s, remove %s and %s: would free %s\n", counted(r.packs_deleted, "pack").c_str(),
                counted(r.packs_rewritten, "pack").c_str(), mib(r.bytes_written).c_str(), counted(r.rebased, "version").c_str(),
                counted(r.blobs_deleted, "unused blob").c_str(), counted(r.snapshots_deleted, "forgotten snapshot").c_str(),
                mib(r.bytes_freed() > 0 ? r.bytes_freed() : 0).c_str());
    if (!r.plan_ripe_ns && options.grace_seconds > 0)
      std::printf("(a prune with a grace period first plans this and deletes it in a prune after the grace; --grace 0 does both at once)\n");
  }
  if (r.swept && !options.dry_run)
    std::printf("deleted %s, rewrote %llu, re-based %s, removed %s and %s: %s freed (%s deleted, %s written)\n",
                counted(r.packs_deleted, "pack").c_str(), (unsigned long long)r.packs_rewritten, counted(r.rebased, "version").c_str(),
                counted(r.blobs_deleted, "unused blob").c_str(), counted(r.snapshots_deleted, "forgotten snapshot").c_str(),
                mib(r.bytes_freed() > 0 ? r.bytes_freed() : 0).c_str(), mib(r.bytes_deleted).c_str(), mib(r.bytes_written).c_str());
  if (r.snapshots_needed_as_base)
    std::printf("%s stay%s: kept snapshots' views are built on them (a new checkpoint, 'backup --force', lets them go)\n",
                counted(r.snapshots_needed_as_base, "forgotten snapshot").c_str(), r.snapshots_needed_as_base == 1 ? "s" : "");
  if (r.unused_bytes_kept)
    std::printf("%s of unused blobs stay%s in packs not worth rewriting yet (unused share under --max-unused %.0f%%)\n",
                mib(r.unused_bytes_kept).c_str(), options.dry_run ? " (would)" : "", options.max_unused * 100);
  if (r.deferred) std::printf("nothing was deleted yet: run 'gridbackup prune' again later\n");
  if (r.nothing_to_do && !r.swept) std::printf("nothing to prune: every stored object is needed by a kept snapshot\n");
  if (options.dry_run) std::printf("dry run: nothing was changed\n");
  if (!r.planned && !r.swept && !r.nothing_to_do && r.plan_ripe_ns && !options.dry_run)
    std::printf("an earlier prune's plan waits for its grace period: a prune after %s carries it out\n", local_time_text(r.plan_ripe_ns).c_str());
  if (r.planned && !r.swept)
    std::printf("planned: %s (%s); they are deleted by a prune after %s (--grace; backups running now are waited for)\n",
                counted(r.candidate_blobs, "unused blob").c_str(), mib(r.candidate_bytes).c_str(), local_time_text(r.plan_ripe_ns).c_str());
}

int cmd_prune(const CommandLine& cl) {
  if (!cl.args.empty())
    return report_error(make_error(ErrorKind::InvalidArgument,
                                   "usage: gridbackup prune [--grace DURATION] [--wait DURATION] [--max-unused PERCENT] [--dry-run] [--json]"));
  auto options = prune_options_from(cl, host_name(cl));
  if (!options) return report_error(options.error());
  {  // the usual sentence and exit code when there is no repository or the cap is wrong
    std::unique_ptr<Repository> probe;
    if (int code = open_or_report(cl, probe, false)) return code;
  }
  auto r = run_prune_step(cl, *options);
  if (!r) return report_error(r.error());
  if (cl.flag("json"))
    std::printf("%s\n", json_text(prune_json(*r, *options)).c_str());
  else if (!cl.flag("quiet"))
    print_prune_result(*r, *options);
  return kExitOk;
}

namespace {

void prune_options(CommandOptions& o) {
  prune_tuning_options(o);
  o.value("host", "NAME", "host name in the lock (default GRIDBACKUP_HOST, then the machine's name)");
  o.flag("dry-run", "say what would be deleted and freed (packs, blobs, bytes); change nothing");
  o.json("print the result as JSON");
  o.no_progress();
}

}  // namespace

const Command kPruneCommand = {"prune", "",
                               "delete what no kept snapshot needs (two phases: what is unused now is deleted by a prune after the grace period)",
                               prune_options, cmd_prune};

}  // namespace gb
