// parallel_for: run f(0..count-1) at once, one thread each, and wait for all.
// For a handful of independent blocking calls (one per storage member), where
// a pool would only add queueing; the calling thread runs f(0) itself.
#pragma once
#include <cstddef>
#include <thread>
#include <vector>

namespace gb {

template <class F>
void parallel_for(size_t count, F&& f) {
  std::vector<std::thread> threads;
  threads.reserve(count > 0 ? count - 1 : 0);
  for (size_t i = 1; i < count; ++i) threads.emplace_back([&f, i] { f(i); });
  if (count > 0) f(size_t{0});
  for (auto& t : threads) t.join();
}

}  // namespace gb
