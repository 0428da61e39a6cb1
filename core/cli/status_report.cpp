#include "core/cli/status_report.h"

#include <algorithm>
#include <cmath>

#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/common/disk_space.h"
#include "core/repository/repository_lock.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

namespace {

// The health without the service's record of its jobs: the newest snapshot
// of this host counts as complete when the queue is empty, else the newest
// one taken before the oldest queued file was queued (a snapshot's content
// is queued when it is taken); "no complete snapshot" counts from this
// host's first snapshot. The repository is reachable (it is open); the
// last verify and audit are the service's to know.
Result<Health> health_without_service(const CommandLine& cl, Repository& repo, UploadQueue& queue, const QueueStats& stats) {
  HealthInputs in;
  in.now_ns = now_ns();
  GB_ASSIGN(in.oldest_queued_ns, queue.oldest_queued_ns());
  GB_ASSIGN(auto snapshots, SnapshotStore(repo).list());
  const std::string host = host_name(cl);
  std::optional<int64_t> first;
  for (const Snapshot& s : snapshots) {
    if (s.hostname != host) continue;
    first = first ? std::min(*first, s.time_ns) : s.time_ns;
    bool complete = stats.jobs == 0 || (in.oldest_queued_ns && s.time_ns < *in.oldest_queued_ns);
    if (complete && (!in.last_complete_snapshot_ns || s.time_ns > *in.last_complete_snapshot_ns)) in.last_complete_snapshot_ns = s.time_ns;
  }
  in.watching_since_ns = first.value_or(in.now_ns);
  in.state_disk_free_bytes = free_disk_bytes(local_state(cl).scratch_dir());
  return evaluate_health(in);
}

}  // namespace

uint64_t upload_left(const LiveUpload& l) { return l.bytes_total > l.bytes_done ? l.bytes_total - l.bytes_done : 0; }

Result<StatusReport> read_status(const CommandLine& cl, Repository& repo) {
  StatusReport s;
  GB_ASSIGN(auto queue, open_queue(cl, repo));
  GB_ASSIGN(s.queue, queue->stats());
  auto rate = queue->last_rate();
  s.last_bps = rate ? *rate : 0;
  GB_ASSIGN(auto live, queue->live_uploads());
  GB_ASSIGN(s.rate_history, queue->rate_history(now_ns() - kRateHistorySeconds * 1'000'000'000LL));
  // Who runs: the live locks of `upload` and of `backup` (which drains the
  // queue after its commit), each with its live progress when this machine's
  // queue has it (crash-only: a killed upload's row is not live).
  GB_ASSIGN(auto locks, list_locks(repo.backend(), repo.keys().metadata));
  std::vector<bool> matched(live.size(), false);
  for (const LockInfo& l : locks) {
    if (l.stale || (l.kind != "upload" && l.kind != "backup")) continue;
    RunningUpload r{l.kind, l.host, l.pid, l.created_ns, std::nullopt};
    for (size_t i = 0; i < live.size(); ++i)
      if (!matched[i] && live[i].pid == l.pid) {
        r.live = live[i];
        matched[i] = true;
      }
    s.running.push_back(std::move(r));
  }
  for (size_t i = 0; i < live.size(); ++i)
    if (!matched[i]) s.running.push_back({live[i].command, host_name(cl), live[i].pid, live[i].started_ns, live[i]});
  // The ETA: a running upload's, from its rate over the last seconds (it may
  // be limited); else the queue at the last upload's recent rate.
  for (const RunningUpload& r : s.running)
    if (r.live && (!s.uploading || upload_left(*r.live) > upload_left(*s.uploading))) s.uploading = r.live;
  // An `upload` of this machine whose row is not there yet has just begun:
  // the last run's rate says nothing about its (perhaps limited) pace.
  const std::string here = host_name(cl);
  for (const RunningUpload& r : s.running) s.starting |= !r.live && r.command == "upload" && r.host == here;
  s.bps = s.uploading ? s.uploading->rate : s.last_bps;
  if (s.starting && !s.uploading) {
    s.bps = 0;
  } else if (s.uploading) {
    if (s.uploading->rate > 0) s.eta_s = static_cast<double>(upload_left(*s.uploading)) / s.uploading->rate;
  } else if (s.queue.bytes == 0) {
    s.eta_s = 0;
  } else if (s.last_bps > 0) {
    s.eta_s = static_cast<double>(s.queue.bytes) / s.last_bps;
  }
  GB_ASSIGN(auto report, agent_report(local_state(cl).journal_home(), LocalState::repository_id(repo)));
  s.agent = agent_status(report);
  GB_ASSIGN(s.health, health_without_service(cl, repo, *queue, s.queue));
  return s;
}

Json status_json(const StatusReport& s) {
  Json uploads = Json::array();
  for (const RunningUpload& r : s.running) {
    Json u = {{"command", r.command}, {"host", r.host}, {"pid", r.pid}, {"since", utc_time_text(r.since_ns)}, {"uploading", r.live.has_value()}};
    const LiveUpload* l = r.live ? &*r.live : nullptr;
    u["bytes_done"] = l ? Json(l->bytes_done) : Json();
    u["bytes_total"] = l ? Json(l->bytes_total) : Json();
    u["files_done"] = l ? Json(l->files_done) : Json();
    u["files_total"] = l ? Json(l->files_total) : Json();
    u["rate_bytes_per_second"] = l ? Json(std::llround(l->rate)) : Json();
    u["eta_seconds"] = l && l->rate > 0 ? Json(std::llround(static_cast<double>(upload_left(*l)) / l->rate)) : Json();
    u["updated"] = l ? Json(utc_time_text(l->updated_ns)) : Json();
    uploads.push_back(std::move(u));
  }
  Json history = Json::array();
  for (const RateSample& r : s.rate_history)
    history.push_back({{"minute", utc_time_text(r.minute_ns)}, {"rate_bytes_per_second", std::llround(r.rate)}});
  return {{"queued_files", s.queue.jobs},
          {"queued_bytes", s.queue.bytes},
          {"unstable_files", s.queue.unstable},
          {"uploading", s.uploading.has_value() || s.starting},
          {"rate_bytes_per_second", std::llround(s.bps)},
          {"last_rate_bytes_per_second", std::llround(s.last_bps)},
          {"eta_seconds", s.eta_s ? Json(std::llround(*s.eta_s)) : Json()},
          {"uploads_running", uploads},
          {"agent", s.agent.json},
          {"rate_history", history},
          {"health", {{"level", health_level_name(s.health.level)}, {"reasons", s.health.reasons}}}};
}

}  // namespace gb
