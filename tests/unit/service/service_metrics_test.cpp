// The service's metrics text (core/service/service_metrics.h): HELP and TYPE
// for each family, labels quoted, unknown values left out.
#include <doctest/doctest.h>

#include <sstream>

#include "core/service/service_metrics.h"

using namespace gb;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}
}  // namespace

TEST_CASE("metrics: health levels, jobs, queue and grid in the exposition format") {
  ServiceMetrics m;
  m.health = {{HealthLevel::Warning, {"repository unreachable"}}, 1800000000500000000};
  m.last_snapshot_ns = 1800000000000000000;
  m.queue_files = 3;
  m.queue_bytes = 4096;
  m.upload_paused = true;
  m.repository_up = false;
  m.jobs = {{"snapshot", {1800000001250000000, 0, 7}}, {"verify", {1800000002000000000, 12, 0}}};
  m.grid_members = 5;
  m.grid_members_up = 4;
  std::string t = prometheus_text(m);
  CHECK(has_line(t, "# TYPE gridbackup_health gauge"));
  CHECK(has_line(t, "gridbackup_health{level=\"ok\"} 0"));
  CHECK(has_line(t, "gridbackup_health{level=\"warning\"} 1"));
  CHECK(has_line(t, "gridbackup_health{level=\"failing\"} 0"));
  CHECK(has_line(t, "gridbackup_health_since_timestamp_seconds 1800000000.500"));
  CHECK(has_line(t, "gridbackup_health_reasons 1"));
  CHECK(has_line(t, "gridbackup_last_snapshot_timestamp_seconds 1800000000.000"));
  CHECK(has_line(t, "gridbackup_queue_files 3"));
  CHECK(has_line(t, "gridbackup_queue_bytes 4096"));
  CHECK(has_line(t, "gridbackup_upload_paused 1"));
  CHECK(has_line(t, "gridbackup_repository_up 0"));
  CHECK(has_line(t, "gridbackup_job_last_run_timestamp_seconds{job=\"snapshot\"} 1800000001.250"));
  CHECK(has_line(t, "gridbackup_job_last_exit_code{job=\"verify\"} 12"));
  CHECK(has_line(t, "gridbackup_grid_members_up 4"));
  // Each family once, HELP before TYPE before its samples.
  size_t help = t.find("# HELP gridbackup_job_last_exit_code "), type = t.find("# TYPE gridbackup_job_last_exit_code gauge"),
         sample = t.find("gridbackup_job_last_exit_code{");
  CHECK(help < type);
  CHECK(type < sample);
  CHECK(t.find("# HELP gridbackup_job_last_exit_code ", help + 1) == std::string::npos);
  // Not known: left out, not a made-up zero.
  CHECK(t.find("gridbackup_last_complete_snapshot_timestamp_seconds") == std::string::npos);
  CHECK(t.find("gridbackup_queue_oldest_timestamp_seconds") == std::string::npos);
  CHECK(t.find("gridbackup_state_disk_free_bytes") == std::string::npos);
  CHECK(t.back() == '\n');
}

TEST_CASE("metrics: no grid, no grid families; a label value is escaped") {
  ServiceMetrics m;
  m.jobs = {{"odd\"job\\", {1000000000, 1, 0}}};
  std::string t = prometheus_text(m);
  CHECK(t.find("gridbackup_grid_members") == std::string::npos);
  CHECK(has_line(t, "gridbackup_job_last_exit_code{job=\"odd\\\"job\\\\\"} 1"));
  CHECK(has_line(t, "gridbackup_health{level=\"ok\"} 1"));
}
