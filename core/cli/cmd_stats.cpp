// gridbackup stats [SNAPSHOT...]: what the repository holds and what it
// costs (core/report/space_stats.h), per snapshot and in total: logical
// bytes (what a restore writes) against the blobs needed, the deduplication
// and compression ratios, and the size of every object stored.
#include <fmt/format.h>
#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/entry_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/report/space_stats.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

namespace {

Json figures_json(const SpaceFigures& f) {
  return {{"files", f.files},
          {"logical_bytes", f.logical_bytes},
          {"contents", f.contents},
          {"blobs", f.blobs},
          {"raw_bytes", f.raw_bytes},
          {"stored_bytes", f.stored_bytes},
          {"metadata_bytes", f.metadata_bytes},
          {"dedup_ratio", f.dedup_ratio()},
          {"compression_ratio", f.compression_ratio()}};
}

std::string ratio_text(double r) { return r > 0 ? fmt::format("{:.2f}x", r) : "-"; }

}  // namespace

int cmd_stats(const CommandLine& cl) {
  // Named snapshots ("latest" is this host's), else every host's unless --host/--path narrow them, as `snapshots`.
  auto filter = snapshot_filter(cl, !cl.args.empty());
  if (!filter) return report_error(filter.error());
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  SnapshotStore store(*repo);
  std::vector<Snapshot> chosen;
  if (cl.args.empty()) {
    auto all = store.list();
    if (!all) return report_error(all.error());
    chosen = select_snapshots(*all, *filter);
  } else {
    for (const auto& ref : cl.args) {
      auto s = resolve_snapshot(store, ref, *filter);
      if (!s) return report_error(s.error());
      chosen.push_back(std::move(*s));
    }
  }
  std::atomic<size_t> done{0};
  std::unique_ptr<ProgressLine> progress;
  if (!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"))
    progress =
        std::make_unique<ProgressLine>(true, [&] { return fmt::format("reading views: {} of {}", done.load(), counted(chosen.size(), "snapshot")); });
  auto stats = compute_space_stats(*repo, chosen, [&](size_t n) { done = n; });
  progress.reset();
  if (!stats) return report_error(stats.error());
  std::string repo_id = to_hex(repo->config().repository_id);
  if (cl.flag("json")) {
    Json doc;
    doc["repository"] = {{"id", repo_id}, {"objects", stats->objects}, {"bytes", stats->repository_bytes}};
    doc["snapshots"] = Json::array();
    for (const auto& s : stats->snapshots) {
      Json one = {{"id", s.snapshot.id},
                  {"short_id", s.snapshot.short_id()},
                  {"time", utc_time_text(s.snapshot.time_ns)},
                  {"hostname", s.snapshot.hostname},
                  {"paths", s.snapshot.paths}};
      one.update(figures_json(s.figures));
      doc["snapshots"].push_back(std::move(one));
    }
    doc["total"] = {{"snapshots", stats->snapshots.size()}};
    doc["total"].update(figures_json(stats->total));
    std::printf("%s\n", json_text(doc).c_str());
    return kExitOk;
  }
  std::printf("repository %s: %s, %s\n", repo_id.substr(0, 8).c_str(), counted(stats->objects, "object").c_str(),
              human_bytes(stats->repository_bytes).c_str());
  if (!stats->snapshots.empty()) {
    std::printf("%-8s  %-19s  %-16s  %8s  %12s  %12s  %12s  %7s  %11s\n", "ID", "Time", "Host", "Files", "Logical", "Deduplicated", "Stored", "Dedup",
                "Compression");
    for (const auto& s : stats->snapshots) {
      const SpaceFigures& f = s.figures;
      std::printf("%-8s  %-19s  %-16s  %8llu  %12s  %12s  %12s  %7s  %11s\n", s.snapshot.short_id().c_str(),
                  local_time_text(s.snapshot.time_ns).c_str(), s.snapshot.hostname.c_str(), (unsigned long long)f.files,
                  human_bytes(f.logical_bytes).c_str(), human_bytes(f.raw_bytes).c_str(), human_bytes(f.stored_bytes).c_str(),
                  ratio_text(f.dedup_ratio()).c_str(), ratio_text(f.compression_ratio()).c_str());
    }
  }
  const SpaceFigures& t = stats->total;
  std::printf("total (%s): %s, %s logical, %s after deduplication, %s stored (+ %s metadata); deduplication %s, compression %s\n",
              counted(stats->snapshots.size(), "snapshot").c_str(), counted(t.files, "file").c_str(), human_bytes(t.logical_bytes).c_str(),
              human_bytes(t.raw_bytes).c_str(), human_bytes(t.stored_bytes).c_str(), human_bytes(t.metadata_bytes).c_str(),
              ratio_text(t.dedup_ratio()).c_str(), ratio_text(t.compression_ratio()).c_str());
  return kExitOk;
}

const Command kStatsCommand = {"stats",
                               "[SNAPSHOT...]",
                               "repository size; per snapshot and in total: logical vs stored bytes, deduplication and compression",
                               [](CommandOptions& o) {
                                 o.host_and_path();
                                 o.no_progress();
                                 o.json("one JSON object: repository, snapshots, total (docs/JSON.md)");
                               },
                               cmd_stats,
                               false,
                               "Logical: the files' sizes, what a restore writes (a hard-linked inode once). Deduplicated: the\n"
                               "plaintext of the blobs those files need (equal segments once, changed files as deltas). Stored:\n"
                               "those blobs compressed and sealed. The total counts each blob once over the snapshots listed.\n"
                               "Without SNAPSHOT: every snapshot (every host's unless --host/--path narrow them).\n"};

}  // namespace gb
