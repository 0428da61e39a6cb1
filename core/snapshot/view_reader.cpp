#include "core/snapshot/view_reader.h"

#include <fmt/format.h>

#include "core/common/path_order.h"

namespace gb {

Result<bool> LogReader::next(Entry& e) {
  for (;;) {
    if (reader_ && !reader_->at_end()) {
      if (!decode_entry(*reader_, e))
        return make_error(ErrorKind::Corrupt, fmt::format("backuplog blob {} is damaged", to_hex(blobs_[next_blob_ - 1]).substr(0, 16)));
      return true;
    }
    if (next_blob_ >= blobs_.size()) return false;
    GB_ASSIGN(current_, repo_.read_blob(blobs_[next_blob_++]));
    reader_ = std::make_unique<Reader>(current_);
  }
}

ViewReader::ViewReader(Repository& repo, const std::vector<std::vector<Hash>>& logs) {
  for (const auto& blobs : logs) {
    Head h;
    h.reader = std::make_unique<LogReader>(repo, blobs);
    heads_.push_back(std::move(h));
  }
}

Status ViewReader::advance(Head& h) {
  GB_ASSIGN(h.live, h.reader->next(h.entry));
  return {};
}

Result<bool> ViewReader::next(Entry& e) {
  if (!started_) {
    for (auto& h : heads_) GB_CHECK(advance(h));
    started_ = true;
  }
  for (;;) {
    // The smallest path among the heads; on ties the newest log (last) wins.
    int best = -1;
    for (int i = 0; i < static_cast<int>(heads_.size()); ++i) {
      if (!heads_[i].live) continue;
      if (best < 0 || path_compare(heads_[i].entry.path, heads_[best].entry.path) <= 0) best = i;
    }
    if (best < 0) return false;
    std::string path = heads_[best].entry.path;
    e = std::move(heads_[best].entry);
    for (int i = 0; i < static_cast<int>(heads_.size()); ++i)
      if (i != best && heads_[i].live && heads_[i].entry.path == path) GB_CHECK(advance(heads_[i]));
    GB_CHECK(advance(heads_[best]));
    if (!e.deleted) return true;
  }
}

}  // namespace gb
