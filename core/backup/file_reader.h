// Reads one regular file for backup in a single pass, computing together
// (when storing; a hash-only read computes just the content hash):
// - each segment's hash, and from them the content hash (content_id.h);
//   a hash-only read of a large file hashes its segments on several cores;
// - the librsync signature of files of at least kSignatureMinSize, stored
//   (sealed) so the next version can be sent as a delta against it;
// - when storing and a previous version with a signature is given, a forward
//   delta against it, stored instead of the segments if it is small enough;
//   otherwise the segments themselves go to the Packer.
// A file that changes while it is read (size, mtime or ctime differ before
// and after, or it changed so shortly before the read that the stats cannot
// tell: recent_change.h) is read again, so nothing torn is stored silently.
#pragma once
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/content/packer.h"
#include "core/repository/repository.h"
#include "core/snapshot/entry.h"

namespace gb {

struct ReadCounters {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> deltas{0};  // versions stored as deltas
};

struct ReaderOptions {
  uint32_t max_delta_chain = 8;        // a delta chain this long gets a full version next
  uint64_t signature_min_size = 4096;  // below this a whole file costs less than signature + delta
  // Total time the attempts on one changing file may take before it is
  // given up on (and copied aside): seconds, not the minutes a slow delta
  // against a file rewritten under us can take.
  std::chrono::milliseconds unstable_budget{3000};
};

class FileReader {
 public:
  FileReader(Packer& packer, Repository& repo, ReadCounters& counters, ReaderOptions options = {})
      : packer_(packer), repo_(repo), counters_(counters), options_(options), buffer_(repo.config().segment_size) {}
  // Fills e.content (and may refresh e's size/times if the file changed
  // between scan and read). With `store`, the content goes to the Packer (as
  // a delta against `delta_base` where that pays), with its segment list and
  // signature; without, only the content hash is computed (the content is
  // queued, and the uploader's read computes the rest).
  Status read(Entry& e, bool store, int attempts = 3, std::optional<Hash> delta_base = std::nullopt);

 private:
  // With `prove_recent`, a file changed just before the read is read a
  // second time (recent_change.h). `ctime_after`: the file's ctime after it.
  Status read_once(Entry& e, bool store, const std::optional<Hash>& delta_base, bool& stable, bool prove_recent = true,
                   int64_t* ctime_after = nullptr);
  // Stores the segments a delta did not replace (second pass, rare).
  Status store_segments(const Entry& e, const std::vector<Hash>& expected);
  Packer& packer_;
  Repository& repo_;
  ReadCounters& counters_;
  ReaderOptions options_;
  Bytes buffer_;
};

}  // namespace gb
