// The health side of `service run` (README, "Health, hooks and metrics"):
// a thread that every --health-interval, and after every job, gathers what
// the health is judged on (core/service/health.h: a probe of the repository
// and of the grid's members, the upload queue, the last verify and audit,
// the state disk), keeps the result in service.db, runs the on-warning /
// on-failure hook and a desktop notification when the level changes, and
// writes the metrics (core/service/service_metrics.h) to --metrics-file and
// --metrics-listen. It runs beside the job loop because a job (an upload)
// may run for hours, and the health must still be told in the meantime.
#pragma once
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/cli/json.h"
#include "core/cli/options.h"
#include "core/service/health.h"
#include "core/state/local_state.h"

namespace gb {

class CommandOptions;
class MetricsServer;
class ServiceState;
class UploadQueue;
struct HealthInputs;
struct ServiceMetrics;

struct HealthSettings {
  int64_t interval_ns = 60LL * 1000000000;
  HealthThresholds thresholds;
  std::string on_warning, on_failure;  // /bin/sh -c commands; empty: none
  bool desktop_notify = false;         // --user: notify-send on a change
  std::string metrics_file;            // the textfile collector's file; empty: STATE-DIR/metrics.prom
  std::string metrics_listen;          // HOST:PORT serving /metrics; empty: none
};

// A --NAME DURATION option of service run (above zero), in nanoseconds;
// `fallback` when it is not given.
Result<int64_t> interval_option(const CommandLine& cl, const std::string& name, int64_t fallback);
// The options of service run that this part reads (declared by service_options).
void health_options(CommandOptions& o);
// From the command line (and the config file's on-warning / on-failure);
// a bad duration or a --metrics-listen other machines reach: one sentence.
Result<HealthSettings> health_settings(const CommandLine& cl);
// The health options a unit's `service run` gets from `service install`,
// and the paths the unit must be able to write for them (ProtectSystem=strict);
// a --metrics-file in a directory that does not exist: one sentence.
Status health_install_options(const CommandLine& cl, std::vector<std::string>& run_options, std::vector<std::string>& writes);
// `service status`: the health as service.db keeps it, as text lines or
// the `health` member of --json.
Result<std::vector<std::string>> health_status_lines(ServiceState& schedule);
Result<Json> health_status_json(ServiceState& schedule);

using ServiceLog = std::function<void(const std::string& line, int priority)>;

class HealthMonitor {
 public:
  HealthMonitor(const CommandLine& cl, HealthSettings settings, LocalState state, ServiceLog log);
  ~HealthMonitor();
  // Binds --metrics-listen, judges the health once (so service status has
  // it before the first job ends) and starts the thread.
  Status start();
  // A job ended: judge again now rather than at the next interval.
  void wake();
  // For the STATUS= line: "health WARNING: repository unreachable" ("" when OK).
  std::string summary();

 private:
  void loop();
  void evaluate();
  HealthInputs gather(ServiceMetrics& metrics);
  void probe_repository(HealthInputs& in, ServiceMetrics& metrics);
  void changed(const std::optional<HealthRecord>& before, const HealthRecord& now);
  void run_hook(const std::string& command, const Health& health);
  void notify_desktop(const Health& health);
  void write_metrics(const std::string& text);

  const CommandLine& cl_;
  HealthSettings s_;
  LocalState state_;
  ServiceLog log_;
  std::unique_ptr<ServiceState> schedule_;  // a connection of this thread's own
  std::unique_ptr<UploadQueue> queue_;
  std::string queue_path_;
  std::unique_ptr<MetricsServer> server_;
  std::optional<HealthRecord> record_;
  std::string metrics_error_;  // the last failure to write the metrics file, said once

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false, stop_ = false;
  std::string summary_;
  std::thread thread_;
};

}  // namespace gb
