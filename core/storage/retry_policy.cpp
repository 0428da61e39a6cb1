#include "core/storage/retry_policy.h"

#include <fmt/format.h>
#include <algorithm>
#include <random>
#include <thread>

namespace gb {

void RetryPolicy::wait_before(int next_attempt) const {
  auto delay = first_delay;
  for (int i = 2; i < next_attempt && delay < max_delay; ++i) delay *= 2;
  delay = std::min(delay, max_delay);
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<long> jitter(delay.count() / 2, std::max<long>(delay.count(), 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
}

Error RetryPolicy::gave_up(const Error& last, int attempts) {
  if (attempts <= 1) return last;
  std::string message = last.message;
  while (!message.empty() && message.back() == '.') message.pop_back();
  return make_error(ErrorKind::Transient, fmt::format("{} (gave up after {} attempts)", message, attempts));
}

}  // namespace gb
