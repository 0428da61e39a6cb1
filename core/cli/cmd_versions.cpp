// gridbackup versions PATH: every stored version of one path
// (core/report/file_versions.h), per host, oldest first: the first snapshot
// that has it, its size, modification time and content id, and how many
// snapshots keep it.
#include <fmt/format.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/entry_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/listing_json.h"
#include "core/cli/name_text.h"
#include "core/cli/time_text.h"
#include "core/report/file_versions.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

int cmd_versions(const CommandLine& cl) {
  if (cl.args.size() != 1) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup versions PATH"));
  auto stored = stored_path_argument(cl.args[0], "versions");
  if (!stored) return report_error(stored.error());
  const std::string& path = *stored;
  std::unique_ptr<Repository> repo;
  std::vector<Snapshot> listed;
  SnapshotFilter filter;  // every host's unless --host/--path narrow them, as find
  if (int code = open_listing_or_report(cl, repo, listed, filter)) return code;
  SnapshotStore store(*repo);
  auto chosen = select_snapshots(listed, filter);
  bool json = cl.flag("json");
  Json doc = Json::array();
  uint64_t versions = 0, snapshots = 0;
  auto by_host = versions_by_host(*repo, chosen, path);
  if (!by_host) return report_error(by_host.error());
  for (const auto& [host, found] : *by_host) {
    if (!json) {
      std::printf("%s on host %s:\n", printable_name(path).c_str(), host.c_str());
      std::printf("  %-8s  %-19s  %-8s  %10s  %-19s  %-16s  %s\n", "Snapshot", "Time", "Type", "Size", "Modified", "Content", "Kept by");
    }
    for (const FileVersion& v : found) {
      const Entry& e = v.entry;
      ++versions;
      snapshots += v.snapshots;
      if (json) {
        doc.push_back(file_version_json(v, host));
        continue;
      }
      std::string kept = v.snapshots == 1 ? "1 snapshot" : fmt::format("{} (to {})", counted(v.snapshots, "snapshot"), v.last.short_id());
      std::printf("  %-8s  %-19s  %-8s  %10s  %-19s  %-16s  %s\n", v.first.short_id().c_str(), local_time_text(v.first.time_ns).c_str(),
                  node_type_name(e.type), entry_size_text(e).c_str(), entry_time_text(e).c_str(),
                  e.type == NodeType::File ? to_hex(e.content).substr(0, 16).c_str() : "-", kept.c_str());
    }
  }
  if (json) {
    std::printf("%s\n", json_text(doc).c_str());
    return kExitOk;
  }
  if (versions == 0)
    return report_error(make_error(ErrorKind::NotFound, fmt::format("no snapshot{} has {}", filter.hosts.empty() ? "" : " of that host", path)));
  std::printf("%s in %s\n", counted(versions, "version").c_str(), counted(snapshots, "snapshot").c_str());
  return kExitOk;
}

const Command kVersionsCommand = {"versions",
                                  "PATH",
                                  "every stored version of one file: first snapshot, time, size, content id",
                                  [](CommandOptions& o) {
                                    o.host_and_path();
                                    o.json("one JSON object per version (docs/JSON.md)");
                                  },
                                  cmd_versions,
                                  false,
                                  "A new version starts where type, size, modification time, content or link target change;\n"
                                  "the snapshots in between that keep it are counted. Each host's versions are listed apart.\n"};

}  // namespace gb
