// Whole objects kept in memory up to a byte budget, least recently used
// first out. The grid's get_range reads through it: a pack's blobs are read
// one range at a time, and each range would otherwise gather and rebuild the
// whole object again. A load in progress is shared by every caller that
// wants the same object, so concurrent readers fetch it once.
#pragma once
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

class ObjectCache {
 public:
  using Value = std::shared_ptr<const Bytes>;

  explicit ObjectCache(size_t budget_bytes) : budget_(budget_bytes) {}
  // The object from the cache, or from `load` (then kept when it fits the budget).
  Result<Value> get(const std::string& name, const std::function<Result<Bytes>()>& load);
  // Forgets the object (it is being overwritten or removed).
  void invalidate(const std::string& name);

 private:
  struct Entry {
    Value value;
    std::list<std::string>::iterator position;
  };
  const size_t budget_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
  std::set<std::string> loading_;
  size_t bytes_ = 0;
};

}  // namespace gb
