// gridbackup diff SNAP1 SNAP2: what changed between two snapshots, streamed
// (core/snapshot/view_diff.h).
#include <fmt/format.h>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/diff_listing.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_line.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

int cmd_diff(const CommandLine& cl) {
  if (cl.args.size() != 2) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup diff SNAPSHOT1 SNAPSHOT2 [--json]"));
  auto filter = snapshot_filter(cl, true);
  if (!filter) return report_error(filter.error());
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  SnapshotStore store(*repo);
  std::vector<std::vector<std::vector<Hash>>> logs;
  for (const auto& ref : cl.args) {
    auto snap = resolve_snapshot(store, ref, *filter);
    if (!snap) return report_error(snap.error());
    auto chain = store.chain(*snap);
    if (!chain) return report_error(chain.error());
    logs.push_back(std::move(*chain));
  }
  auto summary = write_diff(*repo, logs[0], logs[1], cl.flag("json"), [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return !stdout_closed();  // the reader went away: stop; main ends as SIGPIPE would
  });
  if (!summary) {
    if (stdout_closed()) return kExitOk;
    return report_error(summary.error());
  }
  return kExitOk;
}

const Command kDiffCommand = {"diff", "SNAPSHOT1 SNAPSHOT2", "paths added (+), removed (-), modified (M), type changed (T), metadata changed (U)",
                              [](CommandOptions& o) {
                                o.host_and_path();
                                o.json("one JSON object per path");
                              },
                              cmd_diff};

}  // namespace gb
