// gridbackup upload: drains the upload queue (upload_step.cpp), highest priority first.
#include <cmath>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/upload_step.h"
#include "core/upload/uploader.h"

namespace gb {

int cmd_upload(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup upload [--limit-upload KiB/s] [--parallel N]"));
  auto transfer = transfer_options(cl);
  if (!transfer) return report_error(transfer.error());
  std::unique_ptr<Repository> repo;
  // The index is read once there is something to upload: the service asks
  // for an upload after every snapshot interval, and on a machine of a
  // million files the index is most of its memory (scripts/bench service).
  if (int code = open_or_report(cl, repo, /*load_index=*/false)) return code;
  auto queue = open_queue(cl, *repo);
  if (!queue) return report_error(queue.error());
  auto queued = (*queue)->stats();
  if (!queued) return report_error(queued.error());
  if (cl.scheduled && queued->jobs == 0) return kExitOk;
  if (Status st = repo->load_index(); !st) return report_error(st.error());
  auto limited = limit_uploads(*repo, *transfer);
  UploadResult done;
  double secs = 0;
  // Typed, it also re-indexes packs no index names (the repair verify and
  // restore point at); the service's uploads, every minute, only after an
  // interrupted run.
  auto adopt = cl.scheduled ? UploadOptions::Adopt::AfterInterruptedRun : UploadOptions::Adopt::Always;
  int code = drain_queue(cl, *repo, **queue, *transfer, adopt, &done, &secs);
  if (code != kExitOk) return code;
  auto left = (*queue)->stats();
  if (!left) return report_error(left.error());
  if (cl.flag("json")) {
    Json out = {{"uploaded_files", done.uploaded_files},
                {"already_stored_files", done.already_stored},
                {"unstable_files", done.unstable.size()},
                {"vanished_files", done.vanished.size()},
                {"bytes_done", done.bytes_done},
                {"bytes_stored", done.bytes_stored},
                {"adopted_packs", done.adopted_packs},
                {"rate_bytes_per_second", std::llround(done.rate)},
                {"seconds", json_seconds(secs)},
                {"queued_files", left->jobs},
                {"queued_bytes", left->bytes}};
    std::printf("%s\n", json_text(out).c_str());
  } else if (!cl.flag("quiet")) {
    std::printf("%s left in the upload queue\n", counted(left->jobs, "file").c_str());
  }
  return kExitOk;
}

namespace {

void upload_options(CommandOptions& o) {
  o.transfer();
  o.value("host", "NAME", "host name in the lock (default GRIDBACKUP_HOST, then the machine's name)");
  o.json("print a summary as JSON when done (docs/JSON.md)");
  o.no_progress();
}

}  // namespace

const Command kUploadCommand = {"upload", "", "drain the upload queue, highest priority first", upload_options, cmd_upload, true};

}  // namespace gb
