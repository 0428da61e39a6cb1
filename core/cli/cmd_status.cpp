// gridbackup status: the upload queue (files, bytes, ETA, unstable files), a
// running upload's live progress (the queue database's live rows), and the agent.
#include <cmath>
#include <cstdio>
#include <optional>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository_lock.h"

namespace gb {

namespace {

// One upload (or backup) running now: its lock, and its live progress from
// the queue database once it has started uploading (null before, or when it
// runs on another machine: the queue is this machine's).
struct Running {
  std::string command, host;
  int64_t pid = 0, since_ns = 0;
  std::optional<LiveUpload> live;
};

uint64_t left_of(const LiveUpload& l) { return l.bytes_total > l.bytes_done ? l.bytes_total - l.bytes_done : 0; }

}  // namespace

int cmd_status(const CommandLine& cl) {
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto queue = open_queue(cl, *repo);
  if (!queue) return report_error(queue.error());
  auto st = (*queue)->stats();
  if (!st) return report_error(st.error());
  auto rate = (*queue)->last_rate();
  double last_bps = rate ? *rate : 0;
  auto live = (*queue)->live_uploads();
  if (!live) return report_error(live.error());
  // Who runs: the live locks of `upload` and of `backup` (which drains the
  // queue after its commit), each with its live progress when this machine's
  // queue has it (crash-only: a killed upload's row is not live).
  auto locks = list_locks(repo->backend(), repo->keys().metadata);
  if (!locks) return report_error(locks.error());
  std::vector<Running> running;
  std::vector<bool> matched(live->size(), false);
  for (const LockInfo& l : *locks) {
    if (l.stale || (l.kind != "upload" && l.kind != "backup")) continue;
    Running r{l.kind, l.host, l.pid, l.created_ns, std::nullopt};
    for (size_t i = 0; i < live->size(); ++i)
      if (!matched[i] && (*live)[i].pid == l.pid) {
        r.live = (*live)[i];
        matched[i] = true;
      }
    running.push_back(std::move(r));
  }
  for (size_t i = 0; i < live->size(); ++i)
    if (!matched[i]) running.push_back({(*live)[i].command, host_name(cl), (*live)[i].pid, (*live)[i].started_ns, (*live)[i]});
  // The ETA: a running upload's, from its rate over the last seconds (it may
  // be limited); else the queue at the last upload's recent rate.
  const LiveUpload* uploading = nullptr;
  for (const Running& r : running)
    if (r.live && (!uploading || left_of(*r.live) > left_of(*uploading))) uploading = &*r.live;
  // An `upload` of this machine whose row is not there yet has just begun:
  // the last run's rate says nothing about its (perhaps limited) pace.
  const std::string here = host_name(cl);
  bool starting = false;
  for (const Running& r : running) starting |= !r.live && r.command == "upload" && r.host == here;
  double bps = uploading ? uploading->rate : last_bps;
  std::optional<double> eta_s;
  if (starting && !uploading) {
    bps = 0;
  } else if (uploading) {
    if (uploading->rate > 0) eta_s = static_cast<double>(left_of(*uploading)) / uploading->rate;
  } else if (st->bytes == 0) {
    eta_s = 0;
  } else if (last_bps > 0) {
    eta_s = static_cast<double>(st->bytes) / last_bps;
  }
  auto report = agent_report(local_state(cl).journal_home(), LocalState::repository_id(*repo));
  if (!report) return report_error(report.error());
  auto agent = agent_status(*report);
  if (cl.flag("json")) {
    Json uploads = Json::array();
    for (const Running& r : running) {
      Json u = {{"command", r.command}, {"host", r.host}, {"pid", r.pid}, {"since", utc_time_text(r.since_ns)}, {"uploading", r.live.has_value()}};
      const LiveUpload* l = r.live ? &*r.live : nullptr;
      u["bytes_done"] = l ? Json(l->bytes_done) : Json();
      u["bytes_total"] = l ? Json(l->bytes_total) : Json();
      u["files_done"] = l ? Json(l->files_done) : Json();
      u["files_total"] = l ? Json(l->files_total) : Json();
      u["rate_bytes_per_second"] = l ? Json(std::llround(l->rate)) : Json();
      u["eta_seconds"] = l && l->rate > 0 ? Json(std::llround(static_cast<double>(left_of(*l)) / l->rate)) : Json();
      u["updated"] = l ? Json(utc_time_text(l->updated_ns)) : Json();
      uploads.push_back(std::move(u));
    }
    Json out = {{"queued_files", st->jobs},
                {"queued_bytes", st->bytes},
                {"unstable_files", st->unstable},
                {"uploading", uploading != nullptr || starting},
                {"rate_bytes_per_second", std::llround(bps)},
                {"last_rate_bytes_per_second", std::llround(last_bps)},
                {"eta_seconds", eta_s ? Json(std::llround(*eta_s)) : Json()},
                {"uploads_running", uploads},
                {"agent", agent.json}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  std::printf("repository:   %s\n", repo->backend().url().c_str());
  std::printf("upload queue: %s, %s\n", counted(st->jobs, "file").c_str(), human_bytes(st->bytes).c_str());
  for (const Running& r : running) {
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
  std::string eta = !uploading && st->bytes == 0 ? "nothing to do"
                    : eta_s                      ? human_duration(*eta_s) + (uploading ? " (the running upload's)" : " (at the last upload's rate)")
                    : uploading || starting      ? "unknown (no rate yet)"
                                                 : "unknown (no upload measured yet)";
  std::printf("ETA:          %s\n", eta.c_str());
  std::printf("unstable:     %s (copied aside by the next backup)\n", counted(st->unstable, "file").c_str());
  std::fputs(agent.text.c_str(), stdout);
  return kExitOk;
}

const Command kStatusCommand = {"status", "", "the upload queue: files, bytes, ETA, unstable files; a running upload's progress; the agent",
                                [](CommandOptions& o) { o.json("print the status as JSON"); }, cmd_status};

}  // namespace gb
