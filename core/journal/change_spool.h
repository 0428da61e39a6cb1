// The change spool: how an agent that cannot link the core (the Windows agent:
// Debian has no mingw SQLite) hands change records to it. A spool is a
// directory of segment files "<20-digit sequence>.gbcr", each a change-record
// stream (change_record.h, docs/FORMAT.md "Change records"). The agent
// appends to the newest segment only and starts a new one when it restarts or
// rotates; the importer takes every segment but the newest, in order, and
// deletes it once its records are in the change journal. Standard library
// (plus fsync/_commit) only, like change_record.h.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/journal/change_record.h"

namespace gb {

class ChangeSpoolWriter {
 public:
  // Starts a new segment in `dir` (created if missing), numbered one past
  // the highest segment there. nullptr with `error` set when it cannot.
  static std::unique_ptr<ChangeSpoolWriter> open(const std::string& dir, std::string& error);
  ~ChangeSpoolWriter();
  // Appends and makes the records durable (flush + fsync) before returning,
  // so the agent may then persist its journal position.
  bool append(const std::vector<ChangeRecord>& records);
  // Finishes the current segment and starts the next (the importer may then
  // take the finished one).
  bool rotate();
  const std::string& segment_path() const { return path_; }

 private:
  ChangeSpoolWriter() = default;
  bool start(uint64_t seq);
  std::string dir_, path_;
  uint64_t seq_ = 0;
  std::FILE* file_ = nullptr;
};

// Segment paths in `dir`, oldest first.
std::vector<std::string> list_spool_segments(const std::string& dir);
// Reads one segment. A torn last record (an agent killed mid-write) is
// dropped and the result is still true; other damage returns false with the
// records before it in `out`.
bool read_spool_segment(const std::string& path, std::vector<ChangeRecord>& out, std::string& error);

}  // namespace gb
