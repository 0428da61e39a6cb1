// Writes a backuplog: entries in path order, cut into Log blobs of about
// `blob_target` bytes at entry boundaries and handed to the Packer.
#pragma once
#include <vector>

#include "core/common/serial.h"
#include "core/content/packer.h"
#include "core/snapshot/entry.h"

namespace gb {

class LogWriter {
 public:
  LogWriter(Packer& packer, size_t blob_target = 1 << 20) : packer_(packer), blob_target_(blob_target) {}
  void add(const Entry& e);
  // Flushes the last blob; returns the blob hashes in order.
  std::vector<Hash> finish();
  uint64_t entries() const { return entries_; }

 private:
  void cut();
  Packer& packer_;
  size_t blob_target_;
  Writer buffer_;
  std::vector<Hash> blobs_;
  uint64_t entries_ = 0;
};

}  // namespace gb
