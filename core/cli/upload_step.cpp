#include "core/cli/upload_step.h"

#include "core/cli/journal_step.h"
#include "core/cli/json.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/progress_line.h"
#include "core/storage/rate_limited_backend.h"
#include "core/upload/uploader.h"

namespace gb {

std::unique_ptr<Backend> limit_uploads(Repository& repo, const TransferOptions& transfer) {
  if (!transfer.limit_bytes_per_second) return nullptr;
  auto limited = std::make_unique<RateLimitedBackend>(repo.backend(), transfer.limit_bytes_per_second);
  repo.set_upload_backend(limited.get());
  return limited;
}

int drain_queue(const CommandLine& cl, Repository& repo, UploadQueue& queue, const TransferOptions& transfer, bool adopt_unindexed) {
  UploadOptions opts;
  opts.adopt_unindexed = adopt_unindexed;
  opts.workers = transfer.parallel;
  opts.batch_interval = std::chrono::seconds(transfer.commit_interval_seconds);
  opts.reader.max_delta_chain = transfer.max_delta_chain;
  UploadProgress progress;
  auto start = std::chrono::steady_clock::now();
  Result<UploadResult> result = make_error(ErrorKind::Io, "upload did not run");
  {
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"), [&] {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return fmt::format("[{}] uploading: {}/{} queued files, {} read", human_duration(s), progress.jobs_done.load(), progress.jobs_total.load(),
                         human_bytes(progress.read.bytes.load()));
    });
    result = run_upload(repo, queue, opts, progress);
  }
  if (!result) return report_error(result.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result->bytes_stored > 0 && secs > 0) (void)queue.record_rate(static_cast<double>(result->bytes_stored) / secs);
  for (const auto& p : result->unstable)
    std::fprintf(stderr, "note: %s changed after its snapshot was taken; the next backup stages a copy of it\n", p.c_str());
  for (const auto& p : result->vanished) std::fprintf(stderr, "note: %s disappeared before it could be uploaded\n", p.c_str());
  bool touched = result->uploaded_files || result->already_stored || !result->unstable.empty() || !result->vanished.empty();
  if (!cl.flag("quiet") && !cl.flag("json") && touched)
    std::printf("uploaded %llu queued files (%s added) in %s%s\n", (unsigned long long)result->uploaded_files,
                human_bytes(result->bytes_stored).c_str(), human_duration(secs).c_str(),
                result->adopted_packs ? fmt::format("; adopted {} packs an interrupted run had stored", result->adopted_packs).c_str() : "");
  return kExitOk;
}

int cmd_upload(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup upload [--limit-upload KiB/s] [--parallel N]"));
  auto transfer = transfer_options(cl);
  if (!transfer) return report_error(transfer.error());
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto queue = open_queue(cl, *repo);
  if (!queue) return report_error(queue.error());
  auto limited = limit_uploads(*repo, *transfer);
  int code = drain_queue(cl, *repo, **queue, *transfer, true);
  auto left = (*queue)->stats();
  if (code == kExitOk && left && !cl.flag("quiet")) std::printf("%llu files left in the upload queue\n", (unsigned long long)left->jobs);
  return code;
}

int cmd_status(const CommandLine& cl) {
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto queue = open_queue(cl, *repo);
  if (!queue) return report_error(queue.error());
  auto st = (*queue)->stats();
  if (!st) return report_error(st.error());
  auto rate = (*queue)->last_rate();
  double bps = rate ? *rate : 0;
  std::string eta = st->bytes == 0 ? "nothing to do" : bps > 0 ? human_duration(static_cast<double>(st->bytes) / bps) : "unknown (no upload measured yet)";
  auto agent = agent_status(journal_dir(cl), to_hex(repo->config().repository_id));
  if (!agent) return report_error(agent.error());
  if (cl.flag("json")) {
    Json out = {{"queued_files", st->jobs},
                {"queued_bytes", st->bytes},
                {"unstable_files", st->unstable},
                {"rate_bytes_per_second", std::llround(bps)},
                {"eta_seconds", bps > 0 ? Json(std::llround(static_cast<double>(st->bytes) / bps)) : Json()},
                {"agent", agent->json}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  std::printf("repository:   %s\n", repo->backend().url().c_str());
  std::printf("upload queue: %llu files, %s\n", (unsigned long long)st->jobs, human_bytes(st->bytes).c_str());
  std::printf("rate:         %s\n", bps > 0 ? (human_bytes(static_cast<uint64_t>(bps)) + "/s (last upload)").c_str() : "not measured yet");
  std::printf("ETA:          %s\n", eta.c_str());
  std::printf("unstable:     %llu files (copied aside by the next backup)\n", (unsigned long long)st->unstable);
  std::fputs(agent->text.c_str(), stdout);
  return kExitOk;
}

namespace {

void upload_options(CommandOptions& o) {
  o.transfer();
  o.value("host", "NAME", "host name in the lock (default GRIDBACKUP_HOST, then the machine's name)");
  o.json("print the result as JSON");
  o.no_progress();
}

}  // namespace

const Command kUploadCommand = {"upload", "", "drain the upload queue, highest priority first", upload_options, cmd_upload, true};

const Command kStatusCommand = {"status", "", "the upload queue: files, bytes, ETA, unstable files; the agent",
                                [](CommandOptions& o) { o.json("print the status as JSON"); }, cmd_status};

}  // namespace gb
