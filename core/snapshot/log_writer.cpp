#include "core/snapshot/log_writer.h"

#include "core/crypto/sha256.h"

namespace gb {

void LogWriter::add(const Entry& e) {
  encode_entry(e, buffer_);
  ++entries_;
  if (buffer_.size() >= blob_target_) cut();
}

void LogWriter::cut() {
  Bytes blob = buffer_.take();
  buffer_ = Writer();
  Hash h = sha256(blob);
  packer_.add(BlobType::Log, h, std::move(blob));
  blobs_.push_back(h);
}

std::vector<Hash> LogWriter::finish() {
  if (buffer_.size() > 0) cut();
  return std::move(blobs_);
}

}  // namespace gb
