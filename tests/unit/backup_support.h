// Helpers for the unit tests that back up real trees (browse, report):
// random bytes, whole files written and read, and a backup of a tree that
// must succeed.
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "core/backup/backup_run.h"

namespace gb::test {

// n pseudo-random bytes, the same for the same seed.
inline std::string random_text(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

inline void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A backup of src as host/user, with tags; the test stops when it fails.
inline Snapshot backup_tree(Repository& repo, const std::string& src, const std::string& host, const std::string& user,
                            std::vector<std::string> tags = {}) {
  BackupOptions o;
  o.tags = std::move(tags);
  o.paths = {src};
  o.hostname = host;
  o.username = user;
  BackupProgress p;
  auto r = run_backup(repo, o, p);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return r->snapshot;
}

}  // namespace gb::test
