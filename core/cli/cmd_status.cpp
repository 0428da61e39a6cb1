// gridbackup status: the upload queue (files, bytes, ETA, unstable files) and the agent.
#include <cmath>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"

namespace gb {

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
  std::printf("upload queue: %s, %s\n", counted(st->jobs, "file").c_str(), human_bytes(st->bytes).c_str());
  std::printf("rate:         %s\n", bps > 0 ? (human_bytes(static_cast<uint64_t>(bps)) + "/s (last upload)").c_str() : "not measured yet");
  std::printf("ETA:          %s\n", eta.c_str());
  std::printf("unstable:     %s (copied aside by the next backup)\n", counted(st->unstable, "file").c_str());
  std::fputs(agent->text.c_str(), stdout);
  return kExitOk;
}

const Command kStatusCommand = {"status", "", "the upload queue: files, bytes, ETA, unstable files; the agent",
                                [](CommandOptions& o) { o.json("print the status as JSON"); }, cmd_status};

}  // namespace gb
