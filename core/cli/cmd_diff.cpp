// gridbackup diff SNAP1 SNAP2: what changed between two snapshots, streamed
// (core/snapshot/view_diff.h).
#include <fmt/format.h>
#include <cstdio>

#include "core/cli/change_listing.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/cli/progress_line.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_diff.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

Json json_side(const Entry* e) {
  if (!e) return nullptr;
  return {{"type", node_type_name(e->type)}, {"size", e->size}, {"mode", e->mode}, {"uid", e->uid}, {"gid", e->gid}, {"mtime_ns", e->mtime_ns}};
}

}  // namespace

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
  ViewReader before(*repo, logs[0]), after(*repo, logs[1]);
  bool json = cl.flag("json");
  if (json) std::printf("{\"changes\":[");
  bool first = true;
  auto summary = diff_views([&](Entry& e) { return before.next(e); }, [&](Entry& e) { return after.next(e); },
                            [&](const ViewChange& c) -> Status {
                              char kind = static_cast<char>(c.kind);
                              if (json) {
                                const Entry& e = c.after ? *c.after : *c.before;
                                Json out = {{"change", std::string(1, kind)}, {"path", e.path}};
                                if (e.flags & kNameNotUtf8) out["path_hex"] = to_hex(as_bytes(e.path));
                                out["before"] = json_side(c.before);
                                out["after"] = json_side(c.after);
                                std::printf("%s\n%s", first ? "" : ",", json_text(out).c_str());
                              } else {
                                std::printf("%c %s\n", kind, printable_name(c.path()).c_str());
                              }
                              first = false;
                              // The reader went away: stop; main ends as SIGPIPE would.
                              if (stdout_closed()) return make_error(ErrorKind::Io, "the output was closed");
                              return {};
                            });
  if (!summary) {
    if (stdout_closed()) return kExitOk;
    if (json) std::printf("\n]}\n");
    return report_error(summary.error());
  }
  const DiffSummary& s = *summary;
  if (json) {
    Json summary_json = {{"added", s.added},
                         {"removed", s.removed},
                         {"modified", s.modified},
                         {"type_changed", s.type_changed},
                         {"metadata_changed", s.metadata_changed},
                         {"added_bytes", s.added_bytes},
                         {"removed_bytes", s.removed_bytes},
                         {"modified_bytes_before", s.modified_bytes_before},
                         {"modified_bytes_after", s.modified_bytes_after}};
    std::printf("\n],\"summary\":%s}\n", json_text(summary_json).c_str());
  } else {
    std::printf("%s\n", diff_summary_text(s).c_str());
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
