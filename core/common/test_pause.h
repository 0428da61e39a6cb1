// A test hook, nothing else: with GRIDBACKUP_TEST_PAUSE_AT=<point> and
// GRIDBACKUP_TEST_PAUSE_FILE=<path> in the environment, the process reaching
// `point` creates <path>.reached and waits until <path> exists. Tests use it
// to hold a process inside a race window deterministically (e.g. a backup
// between storing its index object and its snapshot, cli.prune_race).
// Unset, it costs one getenv. Points: "snapshot-save".
#pragma once
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace gb {

inline void test_pause_at(const char* point) {
  const char* at = std::getenv("GRIDBACKUP_TEST_PAUSE_AT");
  const char* file = std::getenv("GRIDBACKUP_TEST_PAUSE_FILE");
  if (!at || !file || std::strcmp(at, point) != 0) return;
  std::string reached = std::string(file) + ".reached";
  if (FILE* f = std::fopen(reached.c_str(), "w")) std::fclose(f);
  while (::access(file, F_OK) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace gb
