#include "core/cli/upload_step.h"

#include "core/cli/journal_step.h"

#include <fmt/format.h>
#include <chrono>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
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

int drain_queue(const CommandLine& cl, Repository& repo, UploadQueue& queue, const TransferOptions& transfer, UploadOptions::Adopt adopt,
                UploadResult* done, double* seconds) {
  UploadOptions opts;
  opts.command = cl.command;
  // Under --limit-upload, progress follows what the limit has let out.
  if (auto* limiter = dynamic_cast<RateLimitedBackend*>(&repo.upload_backend())) opts.bytes_out = [limiter] { return limiter->released_bytes(); };
  opts.adopt = adopt;
  opts.workers = transfer.parallel;
  opts.batch_interval = std::chrono::seconds(transfer.commit_interval_seconds);
  opts.reader.max_delta_chain = transfer.max_delta_chain;
  opts.keep_going = cl.keep_going;
  UploadProgress progress;
  auto start = std::chrono::steady_clock::now();
  Result<UploadResult> result = make_error(ErrorKind::Io, "upload did not run");
  {
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"), [&] {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return upload_progress_text(progress.bytes_done, progress.bytes_total, static_cast<double>(progress.rate.load()), s);
    });
    result = run_upload(repo, queue, opts, progress);
  }
  if (!result) return report_error(result.error());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (done) *done = *result;
  if (seconds) *seconds = secs;
  for (const auto& p : result->unstable)
    std::fprintf(stderr, "note: %s changed after its snapshot was taken; the next backup stages a copy of it\n", p.c_str());
  for (const auto& p : result->vanished) std::fprintf(stderr, "note: %s disappeared before it could be uploaded\n", p.c_str());
  bool touched = result->uploaded_files || result->already_stored || !result->unstable.empty() || !result->vanished.empty();
  if (!cl.flag("quiet") && !cl.flag("json") && touched)
    std::printf(
        "uploaded %s (%s added) in %s%s\n", counted(result->uploaded_files, "queued file").c_str(), human_bytes(result->bytes_stored).c_str(),
        human_duration(secs).c_str(),
        result->adopted_packs ? fmt::format("; adopted {} an interrupted run had stored", counted(result->adopted_packs, "pack")).c_str() : "");
  return kExitOk;
}

}  // namespace gb
