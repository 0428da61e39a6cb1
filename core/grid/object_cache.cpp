#include "core/grid/object_cache.h"

namespace gb {

Result<ObjectCache::Value> ObjectCache::get(const std::string& name, const std::function<Result<Bytes>()>& load) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (auto it = entries_.find(name); it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.position);
      return it->second.value;
    }
    if (!loading_.count(name)) break;
    cv_.wait(lock);
  }
  loading_.insert(name);
  lock.unlock();
  Result<Bytes> loaded = load();
  lock.lock();
  loading_.erase(name);
  cv_.notify_all();
  if (!loaded) return loaded.error();
  auto value = std::make_shared<const Bytes>(std::move(loaded).value());
  if (value->size() <= budget_) {
    lru_.push_front(name);
    entries_[name] = Entry{value, lru_.begin()};
    bytes_ += value->size();
    while (bytes_ > budget_) {
      auto victim = entries_.find(lru_.back());
      bytes_ -= victim->second.value->size();
      entries_.erase(victim);
      lru_.pop_back();
    }
  }
  return value;
}

void ObjectCache::invalidate(const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(name); it != entries_.end()) {
    bytes_ -= it->second.value->size();
    lru_.erase(it->second.position);
    entries_.erase(it);
  }
}

}  // namespace gb
