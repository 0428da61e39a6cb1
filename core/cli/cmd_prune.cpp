// gridbackup prune: delete what no kept snapshot needs (core/prune/pruner.h).
#include <fmt/format.h>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/time_text.h"
#include "core/common/duration.h"
#include "core/common/private_files.h"
#include "core/connect/open_backend.h"
#include "core/prune/pruner.h"

namespace gb {
namespace {

// A duration (core/common/duration.h) in elapsed seconds.
Result<int64_t> parse_seconds(const std::string& option, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return d.error().in_context("--" + option);
  return d->total_seconds();
}

}  // namespace

int cmd_prune(const CommandLine& cl) {
  if (!cl.args.empty())
    return report_error(make_error(ErrorKind::InvalidArgument,
                                   "usage: gridbackup prune [--grace DURATION] [--wait DURATION] [--max-unused PERCENT] [--dry-run] [--json]"));
  PruneOptions options;
  if (auto v = cl.value("grace")) {
    auto s = parse_seconds("grace", *v);
    if (!s) return report_error(s.error());
    options.grace_seconds = *s;
  }
  if (auto v = cl.value("wait")) {
    auto s = parse_seconds("wait", *v);
    if (!s) return report_error(s.error());
    options.wait_seconds = *s;
  }
  if (auto v = cl.value("max-unused")) {
    char* end = nullptr;
    double pct = std::strtod(v->c_str(), &end);
    if (v->empty() || *end || !(pct >= 0 && pct <= 100))
      return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("--max-unused needs a percentage from 0 to 100, not '{}'", *v)));
    options.max_unused = pct / 100;
  }
  options.dry_run = cl.flag("dry-run");
  options.host = host_name(cl);
  options.scratch_dir = local_state(cl).scratch_dir();
  if (Status st = make_private_dir(options.scratch_dir); !st) return report_error(st.error());
  const bool json = cl.flag("json"), quiet = cl.flag("quiet");
  if (!json && !quiet) options.say = [](const std::string& s) { std::printf("%s\n", s.c_str()), std::fflush(stdout); };

  RepositoryOpener open = [&]() -> Result<std::unique_ptr<Repository>> {
    GB_ASSIGN(RootCap cap, load_cap(cl));
    GB_ASSIGN(auto backend, open_backend(repository_url(cl, cap)));
    return Repository::open(std::move(backend), cap.master, false);
  };
  {  // the usual sentence and exit code when there is no repository or the cap is wrong
    std::unique_ptr<Repository> probe;
    if (int code = open_or_report(cl, probe, false)) return code;
  }
  auto r = run_prune(open, options);
  if (!r) return report_error(r.error());
  if (json) {
    Json out = {{"swept", r->swept},
                {"planned", r->planned},
                {"deferred", r->deferred},
                {"dry_run", options.dry_run},
                {"snapshots_kept", r->snapshots_kept},
                {"candidate_blobs", r->candidate_blobs},
                {"candidate_bytes", r->candidate_bytes},
                {"packs_deleted", r->packs_deleted},
                {"packs_rewritten", r->packs_rewritten},
                {"snapshots_deleted", r->snapshots_deleted},
                {"rebased", r->rebased},
                {"bytes_deleted", r->bytes_deleted},
                {"bytes_written", r->bytes_written},
                {"plan_ripe", r->plan_ripe_ns && !r->swept ? Json(local_time_text(r->plan_ripe_ns)) : Json()}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  if (quiet) return kExitOk;
  if (r->swept)
    std::printf("deleted %s, rewrote %llu, re-based %s, removed %s: %.1f MiB freed, %.1f MiB written\n", counted(r->packs_deleted, "pack").c_str(),
                (unsigned long long)r->packs_rewritten, counted(r->rebased, "version").c_str(),
                counted(r->snapshots_deleted, "forgotten snapshot").c_str(), r->bytes_deleted / 1048576.0, r->bytes_written / 1048576.0);
  if (r->deferred) std::printf("nothing was deleted yet: run 'gridbackup prune' again later\n");
  if (r->nothing_to_do && !r->swept) std::printf("nothing to prune: every stored object is needed by a kept snapshot\n");
  if (options.dry_run) std::printf("dry run: nothing was changed\n");
  if (!r->planned && !r->swept && !r->nothing_to_do && r->plan_ripe_ns)
    std::printf("an earlier prune's plan waits for its grace period: a prune after %s carries it out\n", local_time_text(r->plan_ripe_ns).c_str());
  if (r->planned && !r->swept)
    std::printf("planned: %s (%.1f MiB); they are deleted by a prune after %s (--grace; backups running now are waited for)\n",
                counted(r->candidate_blobs, "unused blob").c_str(), r->candidate_bytes / 1048576.0, local_time_text(r->plan_ripe_ns).c_str());
  return kExitOk;
}

namespace {

void prune_options(CommandOptions& o) {
  o.value("grace", "DURATION", "sweep only a plan at least this old (default 1h; 0: mark and sweep at once)");
  o.value("wait", "DURATION", "how long to wait for processes older than the plan (default 10m), else defer");
  o.value("max-unused", "PERCENT", "rewrite packs more than this unused (default 10%)");
  o.value("host", "NAME", "host name in the lock (default GRIDBACKUP_HOST, then the machine's name)");
  o.flag("dry-run", "say what would be deleted; change nothing");
  o.json("print the result as JSON");
  o.no_progress();
}

}  // namespace

const Command kPruneCommand = {"prune", "",
                               "delete what no kept snapshot needs (two phases: what is unused now is deleted by a prune after the grace period)",
                               prune_options, cmd_prune};

}  // namespace gb
