// gridbackup status: the upload queue (files, bytes, ETA, unstable files) and the agent.
#include <cmath>
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/repository/repository_lock.h"

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
  // An upload running now (a live lock of `upload`, or of a backup, which
  // drains the queue too) goes at its own rate, perhaps limited: an ETA from
  // the last run's rate would be wrong, so none is given; its progress line has one.
  auto locks = list_locks(repo->backend(), repo->keys().metadata);
  if (!locks) return report_error(locks.error());
  std::vector<const LockInfo*> running;
  for (const LockInfo& l : *locks)
    if (!l.stale && (l.kind == "upload" || l.kind == "backup")) running.push_back(&l);
  std::string eta = st->bytes == 0     ? "nothing to do"
                    : !running.empty() ? "not known while an upload runs (its progress line shows one)"
                    : bps > 0          ? human_duration(static_cast<double>(st->bytes) / bps)
                                       : "unknown (no upload measured yet)";
  Json uploads = Json::array();
  for (const LockInfo* l : running)
    uploads.push_back({{"command", l->kind}, {"host", l->host}, {"pid", l->pid}, {"since", utc_time_text(l->created_ns)}});
  auto report = agent_report(local_state(cl).journal_home(), LocalState::repository_id(*repo));
  if (!report) return report_error(report.error());
  auto agent = agent_status(*report);
  if (cl.flag("json")) {
    Json out = {{"queued_files", st->jobs},
                {"queued_bytes", st->bytes},
                {"unstable_files", st->unstable},
                {"rate_bytes_per_second", std::llround(bps)},
                {"eta_seconds", bps > 0 && running.empty() ? Json(std::llround(static_cast<double>(st->bytes) / bps)) : Json()},
                {"uploads_running", uploads},
                {"agent", agent.json}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  std::printf("repository:   %s\n", repo->backend().url().c_str());
  std::printf("upload queue: %s, %s\n", counted(st->jobs, "file").c_str(), human_bytes(st->bytes).c_str());
  std::printf("rate:         %s\n", bps > 0 ? (human_bytes(static_cast<uint64_t>(bps)) + "/s (last upload)").c_str() : "not measured yet");
  for (const LockInfo* l : running)
    std::printf("running:      %s on %s (pid %lld) since %s, uploading the queue\n", l->kind.c_str(), l->host.c_str(), (long long)l->pid,
                local_time_text(l->created_ns).c_str());
  std::printf("ETA:          %s\n", eta.c_str());
  std::printf("unstable:     %s (copied aside by the next backup)\n", counted(st->unstable, "file").c_str());
  std::fputs(agent.text.c_str(), stdout);
  return kExitOk;
}

const Command kStatusCommand = {"status", "", "the upload queue: files, bytes, ETA, unstable files; the agent",
                                [](CommandOptions& o) { o.json("print the status as JSON"); }, cmd_status};

}  // namespace gb
