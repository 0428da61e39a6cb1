// What `status` reports (the upload queue, the uploads running now with
// their live progress, the rate and ETA, the agent), gathered in one place
// so the command line (status [--json]) and the web page's dashboard
// (`gridbackup ui`, /api/status) cannot drift apart. Shape: docs/JSON.md,
// "status".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/cli/options.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/service/health.h"

namespace gb {

// One upload (or backup) running now: its lock, and its live progress from
// the queue database once it has started uploading (none before, or when it
// runs on another machine: the queue is this machine's).
struct RunningUpload {
  std::string command, host;
  int64_t pid = 0, since_ns = 0;
  std::optional<LiveUpload> live;
};

struct StatusReport {
  QueueStats queue;
  double last_bps = 0;  // the last upload's recent rate
  std::vector<RunningUpload> running;
  std::optional<LiveUpload> uploading;  // the running upload with the most left, when one is live
  bool starting = false;                // an upload of this machine has begun but recorded nothing yet
  double bps = 0;                       // the rate the ETA is taken at
  std::optional<double> eta_s;
  AgentStatus agent;
  std::vector<RateSample> rate_history;  // the last day's, a sample a minute of upload
  // Judged as the service judges it (core/service/health.h), from what this
  // machine knows without the service: its snapshots of this host, the
  // queue, the state disk. The web page shows it when no service runs.
  Health health;
};

Result<StatusReport> read_status(const CommandLine& cl, Repository& repo);
// The object `status --json` prints.
Json status_json(const StatusReport& s);
// Bytes a live upload has left.
uint64_t upload_left(const LiveUpload& l);

}  // namespace gb
