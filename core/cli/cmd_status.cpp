// gridbackup status: the upload queue (files, bytes, ETA, unstable files), a
// running upload's live progress (the queue database's live rows), and the agent.
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/status_report.h"
#include "core/cli/time_text.h"

namespace gb {

int cmd_status(const CommandLine& cl) {
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto report = read_status(cl, *repo);
  if (!report) return report_error(report.error());
  if (cl.flag("json")) {
    std::printf("%s\n", json_text(status_json(*report)).c_str());
    return kExitOk;
  }
  const StatusReport& s = *report;
  const auto& running = s.running;
  const LiveUpload* uploading = s.uploading ? &*s.uploading : nullptr;
  const bool starting = s.starting;
  const double last_bps = s.last_bps;
  const std::string here = host_name(cl);
  std::printf("repository:   %s\n", repo->backend().url().c_str());
  std::printf("upload queue: %s, %s\n", counted(s.queue.jobs, "file").c_str(), human_bytes(s.queue.bytes).c_str());
  for (const RunningUpload& r : running) {
    std::printf("running:      %s on %s (pid %lld) since %s%s\n", r.command.c_str(), r.host.c_str(), (long long)r.pid,
                local_time_text(r.since_ns).c_str(),
                r.live                  ? ""
                : r.host != here        ? ", from its own machine's queue"
                : r.command == "backup" ? ", not uploading yet"
                                        : ", starting");
    if (r.live) std::printf("uploading:    %s\n", upload_figures_text(r.live->bytes_done, r.live->bytes_total, r.live->rate).c_str());
  }
  std::string rate_text = starting && !uploading ? std::string("not known yet (an upload is starting)")
                          : uploading
                              ? (uploading->rate > 0 ? human_bytes(static_cast<uint64_t>(uploading->rate)) + "/s (the running upload's, recent)"
                                                     : std::string("not known yet (the upload has just started)"))
                          : last_bps > 0 ? human_bytes(static_cast<uint64_t>(last_bps)) + "/s (last upload, recent)"
                                         : std::string("not measured yet");
  std::printf("rate:         %s\n", rate_text.c_str());
  std::string eta = !uploading && s.queue.bytes == 0 ? "nothing to do"
                    : s.eta_s               ? human_duration(*s.eta_s) + (uploading ? " (the running upload's)" : " (at the last upload's rate)")
                    : uploading || starting ? "unknown (no rate yet)"
                                            : "unknown (no upload measured yet)";
  std::printf("ETA:          %s\n", eta.c_str());
  std::printf("unstable:     %s (copied aside by the next backup)\n", counted(s.queue.unstable, "file").c_str());
  std::string reasons;
  for (const auto& r : s.health.reasons) reasons += (reasons.empty() ? ": " : "; ") + r;
  std::printf("health:       %s%s\n", health_level_name(s.health.level), reasons.c_str());
  std::fputs(s.agent.text.c_str(), stdout);  // last: agent status prints the same lines
  return kExitOk;
}

const Command kStatusCommand = {"status", "",
                                "the upload queue: files, bytes, ETA, unstable files; a running upload's progress; the agent; the health",
                                [](CommandOptions& o) { o.json("print the status as JSON"); }, cmd_status};

}  // namespace gb
