// Streams the full view of a snapshot: a k-way merge of the logs from its
// last checkpoint up to it, newest entry winning, tombstones dropping the
// path. Memory is one decoded log blob per log in the chain.
#pragma once
#include <memory>
#include <vector>

#include "core/repository/repository.h"
#include "core/snapshot/entry.h"

namespace gb {

// Reads one log's entries in order, fetching its blobs one at a time.
class LogReader {
 public:
  LogReader(Repository& repo, std::vector<Hash> blobs) : repo_(repo), blobs_(std::move(blobs)) {}
  // Sets `e` to the next entry; false at the end.
  Result<bool> next(Entry& e);

 private:
  Repository& repo_;
  std::vector<Hash> blobs_;
  size_t next_blob_ = 0;
  Bytes current_;
  std::unique_ptr<Reader> reader_;
};

class ViewReader {
 public:
  // `logs` ordered oldest (the checkpoint) to newest.
  ViewReader(Repository& repo, const std::vector<std::vector<Hash>>& logs);
  Result<bool> next(Entry& e);

 private:
  struct Head {
    std::unique_ptr<LogReader> reader;
    Entry entry;
    bool live = false;
  };
  Status advance(Head& h);
  std::vector<Head> heads_;
  bool started_ = false;
};

}  // namespace gb
