#include "core/service/service_metrics.h"

#include <fmt/format.h>

namespace gb {
namespace {

class Exposition {
 public:
  // One family: its HELP and TYPE lines, then its samples.
  void family(const char* name, const char* help, const std::vector<std::pair<std::string, std::string>>& samples) {
    if (samples.empty()) return;
    out_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (const auto& [labels, value] : samples) out_ += fmt::format("{}{} {}\n", name, labels, value);
  }
  void gauge(const char* name, const char* help, const std::string& value) { family(name, help, {{"", value}}); }
  std::string text() const { return out_; }

 private:
  std::string out_;
};

// A label's value as the format quotes it: backslash, quote and newline escaped.
std::string label(const char* name, const std::string& value) {
  std::string v;
  for (char c : value) {
    if (c == '\\' || c == '"')
      v += {'\\', c};
    else if (c == '\n')
      v += "\\n";
    else
      v += c;
  }
  return fmt::format("{{{}=\"{}\"}}", name, v);
}

std::string seconds(int64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e9); }

}  // namespace

std::string prometheus_text(const ServiceMetrics& m) {
  Exposition e;
  std::vector<std::pair<std::string, std::string>> levels;
  for (HealthLevel l : {HealthLevel::Ok, HealthLevel::Warning, HealthLevel::Failing}) {
    std::string name = health_level_name(l);
    for (char& c : name) c = static_cast<char>(c - 'A' + 'a');
    levels.emplace_back(label("level", name), m.health.health.level == l ? "1" : "0");
  }
  e.family("gridbackup_health", "The service's health: 1 for the level it is at (ok, warning, failing), 0 for the others.", levels);
  e.gauge("gridbackup_health_since_timestamp_seconds", "When the health came to its current level (Unix time).", seconds(m.health.since_ns));
  e.gauge("gridbackup_health_reasons", "How many reasons the health gives for not being OK (service status lists them).",
          std::to_string(m.health.health.reasons.size()));
  if (m.last_snapshot_ns)
    e.gauge("gridbackup_last_snapshot_timestamp_seconds", "When the service's last snapshot was saved (Unix time).", seconds(*m.last_snapshot_ns));
  if (m.last_complete_snapshot_ns)
    e.gauge("gridbackup_last_complete_snapshot_timestamp_seconds", "When the newest snapshot whose content is all stored was saved (Unix time).",
            seconds(*m.last_complete_snapshot_ns));
  if (m.queue_files) e.gauge("gridbackup_queue_files", "Files waiting in the upload queue.", std::to_string(*m.queue_files));
  if (m.queue_bytes) e.gauge("gridbackup_queue_bytes", "Bytes of the files waiting in the upload queue.", std::to_string(*m.queue_bytes));
  if (m.oldest_queued_ns)
    e.gauge("gridbackup_queue_oldest_timestamp_seconds", "When the oldest file in the upload queue was queued (Unix time).",
            seconds(*m.oldest_queued_ns));
  e.gauge("gridbackup_upload_paused", "1 while uploads are paused (battery, a metered connection, the upload-limit schedule, service pause), else 0.",
          m.upload_paused ? "1" : "0");
  e.gauge("gridbackup_repository_up", "1 when the last probe read the repository's config, else 0.", m.repository_up ? "1" : "0");
  std::vector<std::pair<std::string, std::string>> runs, codes;
  for (const auto& [job, run] : m.jobs) {
    runs.emplace_back(label("job", job), seconds(run.finished_ns));
    codes.emplace_back(label("job", job), std::to_string(run.exit_code));
  }
  e.family("gridbackup_job_last_run_timestamp_seconds", "When each job last finished (Unix time).", runs);
  e.family("gridbackup_job_last_exit_code", "Each job's last exit code (0: ok; the command's exit codes, README).", codes);
  if (m.grid_members > 0) {
    e.gauge("gridbackup_grid_members", "Members of the grid the repository is stored on.", std::to_string(m.grid_members));
    e.gauge("gridbackup_grid_members_up", "Members of the grid that answered the last probe.", std::to_string(m.grid_members_up));
  }
  if (m.state_disk_free_bytes)
    e.gauge("gridbackup_state_disk_free_bytes", "Free bytes on the state dir's file system.", std::to_string(*m.state_disk_free_bytes));
  return e.text();
}

}  // namespace gb
