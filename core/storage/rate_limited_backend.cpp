#include "core/storage/rate_limited_backend.h"

#include <algorithm>
#include <thread>

namespace gb {

Status RateLimitedBackend::put(const std::string& name, ByteView data) {
  // Pay for the bytes before sending them: debt turns into sleep, so the
  // average never exceeds the rate, whatever the object sizes.
  std::chrono::duration<double> wait{0};
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(rate_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
    tokens_ -= static_cast<double>(data.size());
    admitted_ += data.size();
    if (tokens_ < 0) wait = std::chrono::duration<double>(-tokens_ / rate_);
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  return inner_.put(name, data);
}

uint64_t RateLimitedBackend::released_bytes() {
  std::lock_guard lock(mu_);
  double now_tokens = tokens_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() * rate_;
  double debt = std::max(0.0, -now_tokens);
  return admitted_ - std::min(admitted_, static_cast<uint64_t>(debt));
}

}  // namespace gb
