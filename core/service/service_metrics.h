// The service's metrics in the Prometheus text exposition format (version
// 0.0.4): what `service run` writes to its --metrics-file (for node
// exporter's textfile collector) and serves at /metrics (--metrics-listen)
// after every health evaluation. The names are documented in README's
// service section; no value is a secret (no path, URL or reason text), so
// the file may be readable by the collector's user.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/service/health.h"
#include "core/service/service_state.h"

namespace gb {

struct ServiceMetrics {
  HealthRecord health;
  std::optional<int64_t> last_snapshot_ns, last_complete_snapshot_ns;
  std::optional<uint64_t> queue_files, queue_bytes;  // unknown until the queue is found
  std::optional<int64_t> oldest_queued_ns;
  bool upload_paused = false;
  bool repository_up = true;
  std::vector<std::pair<std::string, JobRun>> jobs;  // each job's last run
  int grid_members = 0, grid_members_up = 0;         // grid repositories only
  std::optional<uint64_t> state_disk_free_bytes;
};

// The exposition text: each family with its HELP and TYPE lines; a family
// whose value is not known is left out rather than given a made-up zero.
std::string prometheus_text(const ServiceMetrics& m);

}  // namespace gb
