// Checks a repository. The structural check opens every snapshot and walks
// its full view, confirming that every blob it needs is in the index. With
// read_data, every pack is read whole: its name must be the hash of its bytes,
// its header must open, and every blob must authenticate and match its hash.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/repository/repository.h"

namespace gb {

// Which packs read_data reads (restic's --read-data-subset). The choice
// depends on each pack's id alone, so `part` n of m (1 <= n <= m) over
// n = 1..m reads every pack exactly once: a rotating schedule (the
// service's daily slice) covers all data in m runs.
struct DataSubset {
  enum class Kind { All, Part, Percent, Bytes } kind = Kind::All;
  uint32_t n = 1, m = 1;  // Part: packs whose id's first 8 hex digits, as a number, are n-1 modulo m
  double percent = 100;   // Percent: packs whose id's first 8 hex digits fall in the lowest `percent` of their range
  uint64_t bytes = 0;     // Bytes: packs in id order until their stored sizes reach `bytes` (at least one)
};

struct VerifyOptions {
  bool read_data = false;
  DataSubset subset;  // under read_data
};

// The packs `subset` chooses among `packs` (id -> stored size), in id order.
std::vector<std::string> choose_data_subset(const std::vector<std::pair<std::string, uint64_t>>& packs, const DataSubset& subset);

struct VerifyProgress {
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> total{0};
};

struct VerifyReport {
  uint64_t snapshots = 0, entries = 0, packs_read = 0, blobs_checked = 0;
  std::vector<std::string> damaged_objects;  // "object: what is wrong"
  std::vector<std::string> problems;         // other findings (broken chains, unreadable logs)
  std::vector<std::string> damaged_files;    // "snapshot <id>: <path>" of files that need a damaged blob
  std::vector<std::string> notes;            // not damage: content not uploaded yet
  uint64_t duplicate_blobs = 0;              // blobs stored in more than one pack (space, not damage)
  bool ok() const { return damaged_objects.empty() && problems.empty(); }
};

Result<VerifyReport> run_verify(Repository& repo, const VerifyOptions& options, VerifyProgress& progress);

}  // namespace gb
