// The page's long requests (a restore) as jobs: a POST starts one on a
// thread of its own and answers its id at once; GETs of the job read its
// progress while it runs and its result when it is over. The work is handed
// in (core/cli builds it from the command's own function); this layer only
// runs it and keeps what it reported. Jobs live as long as the process: the
// work itself must be safe to cut at any point (a restore is: each file is
// renamed into place when whole, and resumes with --overwrite if-changed).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/common/result.h"

namespace gb {

// How far the work is (totals 0 until known), read whenever the job is asked about.
struct UiJobFigures {
  uint64_t files_done = 0, files_total = 0, bytes_done = 0, bytes_total = 0;
};

// What finished work reports: its result as JSON text (the command's --json
// object) and the exit code the command would have ended with.
struct UiJobOutcome {
  std::string result_json;
  int exit_code = 0;
};

class UiJobs {
 public:
  using Work = std::function<Result<UiJobOutcome>()>;
  using Figures = std::function<UiJobFigures()>;  // called from other threads while the work runs
  UiJobs() = default;
  UiJobs(const UiJobs&) = delete;
  UiJobs& operator=(const UiJobs&) = delete;
  ~UiJobs();  // waits for the jobs still running

  // Starts `work` on a thread of its own; its id.
  uint64_t start(const std::string& kind, Work work, Figures figures);
  // The job as JSON text (docs/JSON.md, "ui job"), or nothing for an unknown id.
  std::optional<std::string> json(uint64_t id);

 private:
  struct Job {
    std::string kind;
    int64_t started_ns = 0, ended_ns = 0;
    Figures figures;
    bool done = false;  // under mu_, with outcome/error
    std::optional<UiJobOutcome> outcome;
    std::string error;
    std::thread thread;
  };
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Job>> jobs_;
};

}  // namespace gb
