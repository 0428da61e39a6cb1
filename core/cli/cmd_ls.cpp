// gridbackup ls SNAPSHOT [PATH]: a snapshot's paths, as restic's ls: one per
// line, or with -l the long form (entry_text.h formats, owner names of this
// machine), or --json with every stored field.
#include <fmt/format.h>
#include <cstdio>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/entry_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"
#include "core/cli/json.h"
#include "core/cli/listing_json.h"
#include "core/cli/name_text.h"
#include "core/common/path_order.h"
#include "core/report/owner_names.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

int cmd_ls(const CommandLine& cl) {
  if (cl.args.empty() || cl.args.size() > 2)
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup ls SNAPSHOT [PATH] [-l] [--json]"));
  std::string under;
  if (cl.args.size() == 2) {
    auto stored = stored_path_argument(cl.args[1], "ls");
    if (!stored) return report_error(stored.error());
    under = *stored;
  }
  std::unique_ptr<Repository> repo;
  Snapshot snap;
  std::vector<std::vector<Hash>> logs;
  if (int code = open_snapshot_or_report(cl, cl.args[0], repo, snap, &logs)) return code;
  ViewReader view(*repo, logs);
  bool json = cl.flag("json");
  bool long_form = cl.flag("long");
  OwnerNames owners;
  if (json) std::printf("[");
  uint64_t n = 0;
  Entry e;
  for (;;) {
    auto more = view.next(e);
    if (!more) return report_error(more.error());
    if (!*more) break;
    if (stdout_closed()) return kExitOk;  // the reader went away; main ends as SIGPIPE would
    if (!under.empty() && !path_within(e.path, under)) continue;
    if (json) {
      Json out = entry_json(e);
      std::printf("%s\n%s", n ? "," : "", json_text(out).c_str());
    } else if (long_form) {
      std::printf("%s %-8s %-8s %10s  %s  %s%s\n", mode_text(e).c_str(), owners.user(e.uid).c_str(), owners.group(e.gid).c_str(),
                  entry_size_text(e).c_str(), entry_time_text(e).c_str(), printable_name(e.path).c_str(),
                  e.type == NodeType::Symlink ? (" -> " + printable_name(e.symlink_target)).c_str() : "");
    } else {
      std::printf("%s\n", printable_name(e.path).c_str());
    }
    ++n;
  }
  if (json) std::printf("\n]\n");
  if (n == 0 && !under.empty())
    return report_error(make_error(ErrorKind::NotFound, fmt::format("snapshot {} has nothing at {}", snap.short_id(), under)));
  return kExitOk;
}

const Command kLsCommand = {"ls", "SNAPSHOT|latest [PATH]", "list a snapshot's paths (below PATH); -l: the long form",
                            [](CommandOptions& o) {
                              o.host_and_path();
                              o.flag("long", 'l', "mode, owner and group names, size, modification time and path (symlinks: -> target)");
                              o.json("one JSON object per path (exact names)");
                            },
                            cmd_ls};

}  // namespace gb
