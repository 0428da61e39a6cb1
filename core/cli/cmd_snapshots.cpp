#include <fmt/format.h>
#include <cstdio>
#include <set>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/listing_json.h"
#include "core/cli/name_text.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/snapshot/completeness.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

int cmd_snapshots(const CommandLine& cl) {
  std::unique_ptr<Repository> repo;
  std::vector<Snapshot> all;
  SnapshotFilter filter;  // every host's, unless --host/--path narrow them
  if (int code = open_listing_or_report(cl, repo, all, filter)) return code;
  auto completeness = snapshots_completeness(*repo, all);
  if (!completeness) return report_error(completeness.error());
  // Completeness needs every snapshot (a log builds on its parent's); the filter applies to what is shown.
  std::vector<Snapshot> shown;
  std::vector<Completeness> stored;
  for (size_t i = 0; i < all.size(); ++i)
    if (snapshot_matches(all[i], filter)) {
      shown.push_back(all[i]);
      stored.push_back((*completeness)[i]);
    }
  if (shown.empty() && filter.narrows() && !cl.flag("quiet")) {
    // Nothing listed must not read as an empty repository: say what the filter missed.
    std::set<std::string> hosts;
    for (const auto& s : all) hosts.insert(s.hostname);
    std::string names;
    for (const auto& h : hosts) names += (names.empty() ? "" : ", ") + h;
    std::fprintf(stderr, "gridbackup: no snapshot matches %s (the repository holds %s%s)\n", filter_text(filter).c_str(),
                 counted(all.size(), "snapshot").c_str(), names.empty() ? "" : ((hosts.size() == 1 ? ", of host " : ", of hosts ") + names).c_str());
  }
  all = std::move(shown);
  if (cl.flag("json")) {
    std::printf("[");
    for (size_t i = 0; i < all.size(); ++i) {
      const Snapshot& s = all[i];
      Json out = snapshot_json(s, stored[i]);
      std::printf("%s\n%s", i ? "," : "", json_text(out).c_str());
    }
    std::printf("%s]\n", all.empty() ? "" : "\n");
    return kExitOk;
  }
  if (all.empty() && filter.narrows()) return kExitOk;  // said above; stdout stays empty, as restic's
  std::printf("%-8s  %-19s  %-16s  %-12s  %10s  %12s  %-18s  %s\n", "ID", "Time", "Host", "Tags", "Files", "Size", "Stored", "Paths");
  for (size_t i = 0; i < all.size(); ++i) {
    const Snapshot& s = all[i];
    std::string stored_text = !stored[i].unreadable.empty() ? "unreadable (damaged)"
                              : stored[i].complete()        ? "complete"
                                                            : fmt::format("{} files pending", stored[i].pending_files);
    if (!stored[i].unreadable.empty()) std::fprintf(stderr, "warning: snapshot %s: %s\n", all[i].short_id().c_str(), stored[i].unreadable.c_str());
    std::string paths;
    for (const auto& p : s.paths) {
      if (!paths.empty()) paths += " ";
      paths += printable_name(p);
    }
    std::string tags;
    for (const auto& t : s.tags) tags += (tags.empty() ? "" : ",") + printable_name(t);
    std::printf("%-8s  %-19s  %-16s  %-12s  %10llu  %12s  %-18s  %s%s\n", s.short_id().c_str(), local_time_text(s.time_ns).c_str(),
                s.hostname.c_str(), tags.c_str(), (unsigned long long)s.stats.files, human_bytes(s.stats.bytes).c_str(), stored_text.c_str(),
                paths.c_str(), s.stats.errors ? fmt::format("  ({} paths not backed up)", s.stats.errors).c_str() : "");
  }
  std::printf("%s\n", counted(all.size(), "snapshot").c_str());
  return kExitOk;
}

const Command kSnapshotsCommand = {"snapshots", "", "list snapshots (every host's unless --host/--path/--tag narrow them)",
                                   [](CommandOptions& o) {
                                     o.host_and_path();
                                     o.json("one JSON object per snapshot");
                                   },
                                   cmd_snapshots};

}  // namespace gb
