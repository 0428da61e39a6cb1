#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "../test_support.h"
#include "core/connect/open_backend.h"
#include "core/storage/rate_limited_backend.h"

using namespace gb;

TEST_CASE("rate-limited backend: released bytes grow at the limit while a put waits, not in one step") {
  test::ScratchDir dir;
  auto inner = open_backend("file://" + dir.path + "/repo");
  REQUIRE(inner);
  REQUIRE((*inner)->create());
  RateLimitedBackend limited(**inner, 400000);  // 400 kB/s: a 200 kB put waits 0.5 s
  Bytes data(200000, 7);
  auto start = std::chrono::steady_clock::now();
  std::thread put([&] { CHECK(limited.put("data/aa/x", data)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  uint64_t mid = limited.released_bytes();
  double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  put.join();
  // About t x 400 kB by now; well short of the whole put, well past none of it.
  CHECK(mid >= 40000);
  CHECK(mid <= static_cast<uint64_t>(t * 400000) + 20000);
  CHECK(mid < 200000);
  CHECK(limited.released_bytes() == 200000);
}
