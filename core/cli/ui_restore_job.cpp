#include "core/cli/ui_restore_job.h"

#include <chrono>
#include <memory>

#include "core/cli/restore_json.h"
#include "core/common/path_order.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

struct RestoreJobState {
  RestoreProgress progress;
  std::atomic<uint64_t> files_total{0}, bytes_total{0};
};

// The files and bytes a restore of `paths` will go through (what its progress counts).
Status count_totals(Repository& repo, const Snapshot& snap, const std::vector<std::string>& paths, RestoreJobState& state) {
  GB_ASSIGN(auto logs, SnapshotStore(repo).chain(snap));
  ViewReader view(repo, logs);
  uint64_t files = 0, bytes = 0;
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    bool wanted = paths.empty();
    for (const auto& p : paths) wanted |= path_within(e.path, p);
    if (!wanted || e.type != NodeType::File) continue;
    ++files;
    bytes += e.size;
  }
  state.files_total = files;
  state.bytes_total = bytes;
  return {};
}

}  // namespace

uint64_t start_restore_job(UiJobs& jobs, const CommandLine& cl, const Snapshot& snap, RestoreOptions opts) {
  auto state = std::make_shared<RestoreJobState>();
  auto work = [&cl, snap, opts, state]() -> Result<UiJobOutcome> {
    auto start = std::chrono::steady_clock::now();
    GB_ASSIGN(auto repo, open_repository(cl, true));
    GB_CHECK(count_totals(*repo, snap, opts.include, *state));
    GB_ASSIGN(RestoreResult r, run_restore(*repo, snap, opts, state->progress));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return UiJobOutcome{json_text(restore_json(snap, opts.target, opts, r, secs)), restore_exit_code(r)};
  };
  auto figures = [state] {
    return UiJobFigures{state->progress.files.load(), state->files_total.load(), state->progress.bytes.load(), state->bytes_total.load()};
  };
  return jobs.start("restore", work, figures);
}

}  // namespace gb
