// gridbackup find PATTERN: the paths matching a glob (core/common/path_glob.h)
// in every live snapshot, each view streamed.
#include <fmt/format.h>
#include <algorithm>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/entry_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/common/path_glob.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

int cmd_find(const CommandLine& cl) {
  if (cl.args.size() != 1 || cl.args[0].empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup find PATTERN [--host NAME] [--json]"));
  PathGlob glob(cl.args[0]);
  std::unique_ptr<Repository> repo;
  std::vector<Snapshot> all;
  SnapshotFilter filter;  // every host's snapshots unless --host/--path narrow them
  if (int code = open_listing_or_report(cl, repo, all, filter)) return code;
  SnapshotStore store(*repo);
  bool json = cl.flag("json");
  if (json) std::printf("[");
  uint64_t matches = 0, snapshots = 0;
  for (const Snapshot& s : all) {
    if (!snapshot_matches(s, filter)) continue;
    auto logs = store.chain(s);
    if (!logs) return report_error(logs.error());
    ViewReader view(*repo, *logs);
    uint64_t here = 0;
    Entry e;
    for (;;) {
      auto more = view.next(e);
      if (!more) {
        if (json) std::printf("%s\n]\n", here ? "]}" : "");
        return report_error(make_error(more.error().kind, fmt::format("snapshot {}: {}", s.short_id(), more.error().message)));
      }
      if (!*more) break;
      if (stdout_closed()) return kExitOk;  // the reader went away; main ends as SIGPIPE would
      if (!glob.matches(e.path)) continue;
      if (here++ == 0) {
        ++snapshots;
        if (json) {
          // The snapshot's object is left open for its matches, written as they are found (bounded memory).
          std::string head = json_text({{"id", s.id}, {"short_id", s.short_id()}, {"time", utc_time_text(s.time_ns)}, {"hostname", s.hostname}});
          head.pop_back();  // its closing '}'
          std::printf("%s\n%s,\"matches\":[", snapshots > 1 ? "," : "", head.c_str());
        } else
          std::printf("snapshot %s  %s  host %s\n", s.short_id().c_str(), local_time_text(s.time_ns).c_str(), s.hostname.c_str());
      }
      if (json) {
        Json out = {{"path", e.path}};
        if (e.flags & kNameNotUtf8) out["path_hex"] = to_hex(as_bytes(e.path));
        out["type"] = node_type_name(e.type);
        out["size"] = e.size;
        out["mtime_ns"] = e.mtime_ns;
        out["mtime"] = utc_time_text(e.mtime_ns);
        std::printf("%s\n%s", here > 1 ? "," : "", json_text(out).c_str());
      } else {
        std::printf("  %-8s %12s  %s  %s\n", node_type_name(e.type), entry_size_text(e).c_str(), entry_time_text(e).c_str(),
                    printable_name(e.path).c_str());
      }
    }
    if (json && here) std::printf("]}");
    matches += here;
  }
  if (json) {
    std::printf("\n]\n");
  } else {
    std::printf("%s in %s\n", counted(matches, "match", "matches").c_str(), counted(snapshots, "snapshot").c_str());
  }
  return kExitOk;
}

const Command kFindCommand = {"find", "PATTERN", "matching paths in every snapshot (a pattern with '/' matches the whole path, one without the name)",
                              [](CommandOptions& o) {
                                o.host_and_path();
                                o.json("one JSON object per match");
                              },
                              cmd_find};

}  // namespace gb
