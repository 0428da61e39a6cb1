// gridbackup copy: snapshots and the content they need from another
// repository into this one, as restic's `copy` (core/copy/snapshot_copy.h).
// The destination is the usual repository (--repo, --cap-file, --cap); the
// source is named by --from-repo, --from-cap-file, --from-cap.
#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/cli/upload_step.h"
#include "core/common/private_files.h"
#include "core/copy/snapshot_copy.h"
#include "core/queue/storing_run.h"
#include "core/queue/upload_queue.h"
#include "core/repository/seen_objects.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {
namespace {

const char* outcome_name(CopiedSnapshot::Outcome o) {
  switch (o) {
    case CopiedSnapshot::Outcome::Copied:
      return "copied";
    case CopiedSnapshot::Outcome::Present:
      return "present";
    case CopiedSnapshot::Outcome::Incomplete:
      return "incomplete";
  }
  return "";
}

Json copy_json(const CopyResult& r, Repository& from, Repository& to, bool dry_run) {
  Json snapshots = Json::array();
  for (const auto& c : r.snapshots) {
    const Snapshot& s = c.source;
    snapshots.push_back({{"id", s.id},
                         {"short_id", s.short_id()},
                         {"time", utc_time_text(s.time_ns)},
                         {"hostname", s.hostname},
                         {"paths", s.paths},
                         {"tags", s.tags},
                         {"status", outcome_name(c.outcome)},
                         {"destination_id", c.destination.empty() ? Json() : Json(c.destination)},
                         {"checkpoint", c.outcome == CopiedSnapshot::Outcome::Incomplete ? Json() : Json(c.checkpoint)}});
  }
  return {{"dry_run", dry_run},
          {"source", {{"id", to_hex(from.config().repository_id)}, {"url", from.backend().url()}}},
          {"destination", {{"id", to_hex(to.config().repository_id)}, {"url", to.backend().url()}}},
          {"snapshots", snapshots},
          {"copied", r.copied},
          {"present", r.present},
          {"incomplete", r.incomplete},
          {"contents_new", r.contents_new},
          {"bytes_new", r.bytes_new},
          {"contents_present", r.contents_present},
          {"bytes_present", r.bytes_present},
          {"bytes_stored", r.bytes_stored}};
}

void print_copy_result(const CopyResult& r, bool dry_run) {
  for (const auto& c : r.snapshots) {
    const Snapshot& s = c.source;
    std::string what = fmt::format("snapshot {} of {} at {}", s.short_id(), printable_name(s.hostname), local_time_text(s.time_ns));
    switch (c.outcome) {
      case CopiedSnapshot::Outcome::Copied:
        if (dry_run)
          std::printf("%s would be copied (%s)\n", what.c_str(), c.checkpoint ? "as a checkpoint" : "as a delta on its parent's copy");
        else
          std::printf("%s copied as %s (%s)\n", what.c_str(), c.destination.substr(0, 8).c_str(),
                      c.checkpoint ? "a checkpoint" : "a delta on its parent's copy");
        break;
      case CopiedSnapshot::Outcome::Present:
        std::printf("%s is in the destination already (%s)\n", what.c_str(), c.destination.substr(0, 8).c_str());
        break;
      case CopiedSnapshot::Outcome::Incomplete:
        break;  // said on stderr
    }
  }
  std::printf("%s %s, %s new content, %s already present", dry_run ? "would copy" : "copied", counted(r.copied, "snapshot").c_str(),
              human_bytes(r.bytes_new).c_str(), human_bytes(r.bytes_present).c_str());
  if (r.present) std::printf("; %s in the destination already", counted(r.present, "snapshot").c_str());
  std::printf("\n");
  if (dry_run) std::printf("dry run: nothing was changed\n");
}

}  // namespace

int cmd_copy(const CommandLine& cl) {
  auto filter = snapshot_filter(cl, false);
  if (!filter) return report_error(filter.error());
  std::unique_ptr<Repository> to, from;
  if (int code = open_or_report(cl, to)) return code;
  if (int code = open_source_or_report(cl, from)) return code;
  SnapshotStore source(*from);
  auto all = source.list();
  if (!all) return report_error(all.error().in_context("the source repository"));
  // Ids (or "latest", this host's), else every snapshot the filter chooses: restic's rule.
  auto picked = choose_snapshots(source, *all, cl.args, *filter, host_name(cl));
  if (!picked) return report_error(picked.error().in_context("the source repository"));
  std::vector<Snapshot> chosen = std::move(*picked);
  if (chosen.empty() && filter->narrows())
    return report_error(make_error(ErrorKind::NotFound, fmt::format("no snapshot of the source repository matches {}", filter_text(*filter))));

  auto transfer = transfer_options(cl);
  if (!transfer) return report_error(transfer.error());
  auto limiter = limit_uploads(*to, *transfer);  // --limit-upload: the destination's writes
  CopyOptions options;
  options.dry_run = cl.flag("dry-run");
  options.workers = transfer->parallel;
  options.scratch_dir = local_state(cl).scratch_dir();
  if (Status st = make_private_dir(options.scratch_dir); !st) return report_error(st.error());
  const std::string seen_path = local_state(cl).seen_objects_path(*to);
  options.stored = [&](const Snapshot& s) {
    // Stored by this machine: a rollback past it is noticed (seen_objects.h).
    if (Status st = record_seen_snapshot(seen_path, s.id); !st) std::fprintf(stderr, "gridbackup: warning: %s\n", st.error().message.c_str());
  };
  // What a killed copy stored is not stored again; data/ is listed only
  // when a run was interrupted (storing_run.h).
  std::optional<StoringRun> storing;
  std::unique_ptr<UploadQueue> queue;
  if (!options.dry_run) {
    auto q = open_queue(cl, *to);
    if (!q) return report_error(q.error());
    queue = std::move(*q);
    auto run = StoringRun::begin(queue.get());
    if (!run) return report_error(run.error());
    storing = std::move(*run);
    if (auto adopted = storing->adopt_interrupted(*to); !adopted) return report_error(adopted.error());
  }
  CopyProgress progress;
  options.progress = &progress;
  Result<CopyResult> r = make_error(ErrorKind::Io, "not run");
  {
    auto start = std::chrono::steady_clock::now();
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"), [&] {
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      uint64_t done = progress.snapshots_done.load(), total = progress.snapshots_total.load();
      return fmt::format("[{}] copy: {}/{} snapshots, {}: {} new content, {} already present", human_duration(elapsed), done, total,
                         total ? percent_and_eta(progress.fraction(), elapsed) : "no total", human_bytes(progress.bytes_new.load()),
                         human_bytes(progress.bytes_present.load()));
    });
    r = copy_snapshots(*from, *to, std::move(chosen), options);
  }
  if (!r) return report_error(r.error());
  if (storing) {
    if (Status st = storing->finish(); !st) return report_error(st.error());
  }
  for (const auto& c : r->snapshots)
    if (c.outcome == CopiedSnapshot::Outcome::Incomplete)
      std::fprintf(stderr,
                   "gridbackup: snapshot %s is not complete in the source (its content is not all uploaded yet): not copied; run 'gridbackup "
                   "upload' on the source first\n",
                   c.source.short_id().c_str());
  if (cl.flag("json"))
    std::printf("%s\n", json_text(copy_json(*r, *from, *to, options.dry_run)).c_str());
  else if (!cl.flag("quiet"))
    print_copy_result(*r, options.dry_run);
  return r->incomplete ? kExitPartial : kExitOk;
}

const Command kCopyCommand = {"copy",
                              "[SNAPSHOT...]",
                              "copy snapshots and their content from another repository (--from-repo) into this one",
                              [](CommandOptions& o) {
                                o.value("from-repo", "URL", "the source repository (default GRIDBACKUP_FROM_REPO, then the source cap's)");
                                o.value("from-cap-file", "FILE", "the source repository's root cap file (default GRIDBACKUP_FROM_CAP_FILE)");
                                o.value("from-cap", "CAP", "the source repository's root cap itself (default GRIDBACKUP_FROM_CAP)");
                                o.host_and_path();
                                o.value("limit-upload", "KiB/s", "limit the destination's writes to this rate");
                                o.value("parallel", "N",
                                        "threads compressing and sealing for the destination (default: the number of cores, at least 2)");
                                o.flag("dry-run", "say what would be copied (snapshots, new and present content); store nothing");
                                o.json("print the result as JSON");
                                o.no_progress();
                              },
                              cmd_copy,
                              true,
                              "Without SNAPSHOT, every snapshot of the source that --host/--path/--tag choose (all of them if none),\n"
                              "as restic. Content is read and checked under the source's keys and stored under the destination's;\n"
                              "what the destination has already is not stored again. A snapshot keeps its time, host, paths and\n"
                              "tags (its id changes); one the destination already has (same time, host, paths, tags and files) is\n"
                              "skipped, so a second copy copies nothing. Exit 3: a snapshot not complete in the source was left out.\n"
                              "Example: gridbackup copy --from-repo sftp://old/backups --from-cap-file ~/old.cap --host laptop"};

}  // namespace gb
