#include <fmt/format.h>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/options.h"
#include "core/cli/progress_line.h"
#include "core/grid/grid_backend.h"
#include "core/repository/seen_objects.h"
#include "core/verify/verifier.h"

namespace gb {

int cmd_verify(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup verify [--read-data]"));
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  VerifyOptions opts;
  opts.read_data = cl.flag("read-data");
  VerifyProgress progress;
  Result<VerifyReport> report = make_error(ErrorKind::Io, "verify did not run");
  {
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress"),
                      [&] { return fmt::format("reading packs: {}/{}", progress.done.load(), progress.total.load()); });
    report = run_verify(*repo, opts, progress);
  }
  if (!report) return report_error(report.error());
  VerifyReport& r = *report;
  // What this machine saw before and the repository no longer has: a rollback (seen_objects.h).
  auto went_back = check_seen_objects(repo->backend(), local_state(cl).seen_objects_path(*repo));
  if (!went_back)
    r.notes.push_back("cannot keep the record of what this machine saw: " + went_back.error().message);
  else
    for (auto& p : *went_back) (p.front() == '(' ? r.notes : r.problems).push_back(std::move(p));
  for (const auto& d : r.damaged_objects) std::fprintf(stderr, "damaged: %s\n", d.c_str());
  for (const auto& f : r.damaged_files) std::fprintf(stderr, "damaged file: %s\n", f.c_str());
  for (const auto& p : r.problems) std::fprintf(stderr, "problem: %s\n", p.c_str());
  for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
  if (dynamic_cast<GridBackend*>(&repo->backend()))
    std::printf("note: the repository is a grid; 'gridbackup grid verify' checks every share of every object\n");
  if (r.duplicate_blobs) std::printf("note: %llu blobs are stored more than once (space, not damage)\n", (unsigned long long)r.duplicate_blobs);
  std::printf(
      "checked %llu snapshots (%llu entries)%s\n", (unsigned long long)r.snapshots, (unsigned long long)r.entries,
      opts.read_data ? fmt::format(", read {} packs ({} blobs)", r.packs_read, r.blobs_checked).c_str() : "; use --read-data to read every pack");
  if (!r.ok()) {
    std::fprintf(stderr, "gridbackup: the repository has %zu damaged objects and %zu other problems (listed above)\n", r.damaged_objects.size(),
                 r.problems.size());
    return kExitDamaged;
  }
  std::printf("no problems found\n");
  return kExitOk;
}

const Command kVerifyCommand = {"verify", "", "check the repository; --read-data reads every object",
                                [](CommandOptions& o) {
                                  o.flag("read-data", "read and authenticate every object, not only the metadata");
                                  o.no_progress();
                                },
                                cmd_verify};

}  // namespace gb
