// gridbackup find PATTERN: the paths matching a glob (core/common/path_glob.h)
// in every live snapshot, each view streamed.
#include <fmt/format.h>
#include <algorithm>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/find_listing.h"
#include "core/cli/interrupt.h"
#include "core/cli/progress_line.h"
#include "core/common/path_glob.h"
#include "core/snapshot/snapshot_select.h"

namespace gb {

int cmd_find(const CommandLine& cl) {
  if (cl.args.size() != 1 || cl.args[0].empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup find PATTERN [--host NAME] [--json]"));
  PathGlob glob(cl.args[0]);
  std::unique_ptr<Repository> repo;
  std::vector<Snapshot> all;
  SnapshotFilter filter;  // every host's snapshots unless --host/--path narrow them
  if (int code = open_listing_or_report(cl, repo, all, filter)) return code;
  auto found = write_find(*repo, all, filter, glob, cl.flag("json"), [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return !stdout_closed();  // the reader went away; main ends as SIGPIPE would
  });
  if (!found) return report_error(found.error());
  return kExitOk;
}

const Command kFindCommand = {"find", "PATTERN", "matching paths in every snapshot (a pattern with '/' matches the whole path, one without the name)",
                              [](CommandOptions& o) {
                                o.host_and_path();
                                o.json("one JSON object per match");
                              },
                              cmd_find};

}  // namespace gb
