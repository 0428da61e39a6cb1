// A decorator that holds put() traffic to a byte rate (token bucket with one
// second of burst), so a backup never saturates a thin upstream link.
// Shared by all workers: the limit is for the whole process.
#pragma once
#include <chrono>
#include <mutex>

#include "core/storage/backend.h"

namespace gb {

class RateLimitedBackend final : public Backend {
 public:
  RateLimitedBackend(Backend& inner, uint64_t bytes_per_second) : inner_(inner), rate_(static_cast<double>(bytes_per_second)) {}
  std::string url() const override { return inner_.url(); }
  Status create() override { return inner_.create(); }
  Result<bool> exists() override { return inner_.exists(); }
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override { return inner_.get(name); }
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override { return inner_.get_range(name, offset, length); }
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override { return inner_.list(prefix); }
  Result<ObjectInfo> stat(const std::string& name) override { return inner_.stat(name); }
  Status remove(const std::string& name) override { return inner_.remove(name); }
  // Bytes the limit has let out so far: those of every put admitted, less
  // the debt still being slept off. It grows at the limit's pace while a
  // large object waits, as the link would carry it, not in one step.
  uint64_t released_bytes();

 private:
  Backend& inner_;
  double rate_;
  std::mutex mu_;
  double tokens_ = 0;
  uint64_t admitted_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace gb
