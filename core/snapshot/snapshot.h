// A snapshot (backuplog header): who, when, what, and the log blobs that hold
// its entries. A checkpoint's log holds the full view; any other snapshot's
// log holds only what changed since its parent, so the full view is the
// merge of the logs from the last checkpoint up to it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

struct SnapshotStats {
  uint64_t files = 0, dirs = 0, others = 0;
  uint64_t bytes = 0;            // total size of the regular files in the view
  uint64_t changed_entries = 0;  // entries written to this snapshot's delta
  uint64_t files_read = 0;       // files whose content was read this time
  uint64_t bytes_read = 0;
  uint64_t bytes_stored = 0;  // new sealed bytes added to the repository
  uint64_t errors = 0;        // paths that could not be backed up
};

struct Snapshot {
  std::string id;  // SHA-256 (hex) of the stored object; set when stored or loaded
  int64_t time_ns = 0;
  std::string hostname, username;
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::string parent;  // the snapshot whose view this log updates ("" for none)
  bool checkpoint = true;
  uint64_t depth = 0;  // delta logs since the last checkpoint
  std::vector<Hash> log_blobs;
  SnapshotStats stats;
  std::vector<std::string> tags;  // sorted, unique (backup --tag, `tag`); stored after the stats when not empty
  std::string short_id() const { return id.substr(0, 8); }
};

Bytes encode_snapshot(const Snapshot& s);
Result<Snapshot> decode_snapshot(ByteView payload);

}  // namespace gb
