// Reads byte ranges of stored files for a browser (the FUSE mount): only the
// segments a read touches are fetched (each a ranged read of its pack), kept
// in a cache bounded in bytes, and the segments after a sequential read are
// fetched ahead on a worker thread. A version stored as a delta has no
// segments of its own: it is rebuilt in full (Repository::write_content,
// checked against its hash) into an unnamed scratch file on first read, and
// the last few rebuilt versions are kept. Thread-safe: every repository call
// is made under one mutex (Repository is not safe for concurrent use).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/fs/unique_fd.h"
#include "core/repository/repository.h"
#include "core/snapshot/entry.h"

namespace gb {

struct ContentCacheOptions {
  uint64_t cache_bytes = 64ull << 20;  // decoded segments kept
  int read_ahead_segments = 2;         // fetched ahead of a sequential reader
  size_t rebuilt_versions = 4;         // delta versions kept rebuilt
};

class ContentCache {
 public:
  // Every call borrows the repository through `with_repo`, which runs its
  // argument on the current repository under the caller's lock (the mount
  // swaps in a reopened repository when new snapshots bring new index objects).
  using WithRepo = std::function<Status(const std::function<Status(Repository&)>&)>;
  ContentCache(WithRepo with_repo, std::string scratch_dir, ContentCacheOptions options = {});
  ~ContentCache();

  // Whether every blob the file's content needs is stored.
  Result<bool> present(const Entry& file);
  // Up to `size` bytes of the file from `offset` (fewer only at its end).
  // `sequential`: the caller read up to `offset` just before (read-ahead follows).
  Result<Bytes> read(const Entry& file, uint64_t offset, uint64_t size, bool sequential);
  // Forgets every cached piece (a reopened repository may place them anew).
  void clear();

  struct Counters {
    uint64_t segments_fetched = 0, segment_hits = 0, read_ahead_fetched = 0, versions_rebuilt = 0;
  };
  Counters counters();

 private:
  struct Layout {
    bool delta = false;          // no segments of its own: rebuilt in full
    std::vector<Hash> segments;  // segment i covers [i*segment_size, (i+1)*segment_size)
    uint64_t segment_size = 0;
  };
  Result<Layout> layout(const Entry& file);
  Result<std::shared_ptr<const Bytes>> segment(const Hash& hash, bool ahead);
  Result<std::shared_ptr<UniqueFd>> rebuilt(const Entry& file);
  void ahead_loop();

  WithRepo with_repo_;
  std::string scratch_dir_;
  ContentCacheOptions options_;

  std::mutex mu_;
  std::condition_variable changed_;
  struct Cached {
    std::shared_ptr<const Bytes> bytes;
    std::list<Hash>::iterator in_lru;
  };
  std::map<Hash, Cached> segments_;
  std::list<Hash> lru_;  // most recent first
  uint64_t cached_bytes_ = 0;
  std::set<Hash> fetching_;
  std::deque<Hash> ahead_queue_;
  std::list<std::pair<Hash, std::shared_ptr<UniqueFd>>> versions_;  // rebuilt delta versions, most recent first
  std::set<Hash> rebuilding_;
  Counters counters_;
  bool stop_ = false;
  std::thread ahead_;
};

}  // namespace gb
