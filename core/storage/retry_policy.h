// RetryPolicy: how often and how patiently a remote backend repeats a request
// that failed with ErrorKind::Transient (timeouts, refused or dropped
// connections, 5xx answers). Other failures are returned at once: a retry
// cannot fix a wrong password or a missing object.
#pragma once
#include <chrono>
#include <string>

#include "core/common/result.h"

namespace gb {

struct RetryPolicy {
  int attempts = 5;                            // total, including the first
  std::chrono::milliseconds first_delay{250};  // doubled after each failure
  std::chrono::milliseconds max_delay{8000};

  // Sleeps before attempt number `next_attempt` (2, 3, ...): exponential
  // backoff with jitter, so threads that failed together do not return together.
  void wait_before(int next_attempt) const;

  // Runs `attempt` until it succeeds, fails with a non-transient error, or
  // the attempts run out; the last error then says how many were made.
  template <class F>
  auto run(F&& attempt) const -> decltype(attempt()) {
    for (int n = 1;; ++n) {
      auto result = attempt();
      if (result.ok() || result.error().kind != ErrorKind::Transient) return result;
      if (n >= attempts) return gave_up(result.error(), n);
      wait_before(n + 1);
    }
  }

 private:
  static Error gave_up(const Error& last, int attempts);
};

}  // namespace gb
