// The change spool: how an agent that cannot link the core (the Windows agent:
// Debian has no mingw SQLite) hands change records to it. A spool is a
// directory of segment files "<20-digit sequence>.gbcr", each a change-record
// stream (change_record.h, docs/FORMAT.md "Change records").
//
// The agent appends to the newest segment only, and starts a new one when it
// starts and when the current one is full. The importer reads every segment
// in order, the newest one only up to its last complete record (it may be
// growing: remember the offset and continue there), and deletes a segment
// once its records are in the change journal and a newer segment exists.
// Standard library (plus fsync/_commit) only, like change_record.h.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_record.h"

namespace gb {

class ChangeSpoolWriter {
 public:
  static constexpr uint64_t kDefaultSegmentBytes = 4 << 20;
  // Starts a new segment in `dir` (created if missing), numbered one past
  // the highest segment there.
  static Result<std::unique_ptr<ChangeSpoolWriter>> open(const std::string& dir, uint64_t segment_bytes = kDefaultSegmentBytes);
  ~ChangeSpoolWriter();
  // Appends and makes the records durable (flush + fsync) before returning,
  // so the agent may then persist its journal position. Starts the next
  // segment first when the current one has reached its size.
  bool append(const std::vector<ChangeRecord>& records);
  // Finishes the current segment and starts the next.
  bool rotate();
  const std::string& segment_path() const { return path_; }

 private:
  ChangeSpoolWriter() = default;
  bool start(uint64_t seq);
  std::string dir_, path_;
  uint64_t seq_ = 0, size_ = 0, segment_bytes_ = kDefaultSegmentBytes;
  std::FILE* file_ = nullptr;
};

// Segment paths in `dir`, oldest first.
std::vector<std::string> list_spool_segments(const std::string& dir);

// Reads the complete records of one segment from byte `offset` (0: the
// start, where the magic is checked) and sets `end` to where they end: the
// offset to continue from when the segment has grown. An incomplete last
// record (still being written, or torn by a killed agent) is left for later
// and is not an error; any other damage is Corrupt (a segment that cannot be
// read, Io), with the records before it in `out` and `end` after them.
Status read_spool_segment(const std::string& path, std::vector<ChangeRecord>& out, uint64_t offset = 0, uint64_t* end = nullptr);

}  // namespace gb
