// gridbackup upload: drains the upload queue (upload_step.cpp), highest priority first.
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/upload_step.h"

namespace gb {

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
  if (code == kExitOk && left && !cl.flag("quiet")) std::printf("%s left in the upload queue\n", counted(left->jobs, "file").c_str());
  return code;
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

}  // namespace gb
