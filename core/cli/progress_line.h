// A self-refreshing status line on stderr, shown only when stderr is a
// terminal (and not --quiet), so logs and pipes stay clean.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gb {

class ProgressLine {
 public:
  ProgressLine(bool enabled, std::function<std::string()> render);
  ~ProgressLine();  // clears the line

 private:
  std::function<std::string()> render_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

std::string human_bytes(uint64_t n);
std::string human_duration(double seconds);

}  // namespace gb
