#include "core/ui/ui_jobs.h"

#include <nlohmann/json.hpp>

#include "core/common/clock.h"

namespace gb {

UiJobs::~UiJobs() {
  for (auto& [id, job] : jobs_)
    if (job->thread.joinable()) job->thread.join();
}

uint64_t UiJobs::start(const std::string& kind, Work work, Figures figures) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  auto job = std::make_unique<Job>();
  job->kind = kind;
  job->started_ns = now_ns();
  job->figures = std::move(figures);
  Job* j = job.get();
  jobs_[id] = std::move(job);
  j->thread = std::thread([this, j, work = std::move(work)] {
    auto outcome = work();
    std::lock_guard done_lock(mu_);
    if (outcome)
      j->outcome = std::move(*outcome);
    else
      j->error = outcome.error().message;
    j->ended_ns = now_ns();
    j->done = true;
  });
  return id;
}

std::optional<std::string> UiJobs::json(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const Job& j = *it->second;
  UiJobFigures f = j.figures();
  auto total = [](uint64_t n) { return n ? nlohmann::ordered_json(n) : nlohmann::ordered_json(); };
  nlohmann::ordered_json out = {{"id", id},
                                {"kind", j.kind},
                                {"state", !j.done     ? "running"
                                          : j.outcome ? "done"
                                                      : "failed"},
                                {"seconds", static_cast<double>((j.done ? j.ended_ns : now_ns()) - j.started_ns) / 1e9},
                                {"files_done", f.files_done},
                                {"files_total", total(f.files_total)},
                                {"bytes_done", f.bytes_done},
                                {"bytes_total", total(f.bytes_total)},
                                {"exit_code", j.outcome ? nlohmann::ordered_json(j.outcome->exit_code) : nlohmann::ordered_json()},
                                {"result", j.outcome ? nlohmann::ordered_json::parse(j.outcome->result_json) : nlohmann::ordered_json()},
                                {"error", j.done && !j.outcome ? nlohmann::ordered_json(j.error) : nlohmann::ordered_json()}};
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace gb
