// Reads one regular file for backup in a single pass: the whole-file SHA-256
// (the content hash) and, per segment, the segment's hash and bytes, which go
// to the Packer. A file that changes while it is read (size, mtime or ctime
// differ before and after) is read again, so nothing torn is stored silently.
#pragma once
#include <atomic>
#include <string>

#include "core/content/packer.h"
#include "core/index/link_index.h"
#include "core/snapshot/entry.h"

namespace gb {

struct ReadCounters {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> bytes{0};
};

class FileReader {
 public:
  FileReader(Packer& packer, LinkIndex& index, size_t segment_size, ReadCounters& counters)
      : packer_(packer), index_(index), segment_size_(segment_size), counters_(counters), buffer_(segment_size) {}
  // Fills e.content (and may refresh e's size/times if the file changed
  // between scan and read). With `store`, new segments go to the Packer;
  // without, the file is only hashed (its content is queued for later).
  // Returns a sentence on failure.
  Status read(Entry& e, bool store, int attempts = 3);

 private:
  Status read_once(Entry& e, bool store, bool& stable);
  Packer& packer_;
  LinkIndex& index_;
  size_t segment_size_;
  ReadCounters& counters_;
  Bytes buffer_;
};

}  // namespace gb
