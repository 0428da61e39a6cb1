// A local copy of the repository's objects that never change and are named
// by the SHA-256 of their bytes: snapshots/<64 hex> and index/<64 hex>
// (docs/FORMAT.md). Every backup, upload and listing reads all of them; with
// this cache a run asks the storage for each one once per machine, so its
// requests do not grow with the number of snapshots and index objects
// (restic and borg keep the same kind of cache).
//
// Safe by construction: a cached copy is used only when its bytes still hash
// to its name (a damaged or truncated file is fetched again), so the cache
// can hold nothing the repository did not; it holds ciphertext only (the
// objects are sealed envelopes). A listing of snapshots/ or index/ drops the
// copies of objects no longer listed (forgotten, pruned, or deleted
// behind our back), so a deleted object is not served after the next list.
// Best effort: a cache that cannot be read or written (a read-only state
// dir) only costs the requests it would have saved.
//
// `verify` and `repair` read the storage itself: they open the repository
// without this cache (core/cli/options.cpp).
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "core/storage/backend.h"

namespace gb {

class ObjectCacheBackend final : public Backend {
 public:
  // `dir` holds the copies (made 0700 when first written).
  ObjectCacheBackend(std::unique_ptr<Backend> inner, std::string dir) : inner_(std::move(inner)), dir_(std::move(dir)) {}
  std::string url() const override { return inner_->url(); }
  Status create() override { return inner_->create(); }
  Result<bool> exists() override { return inner_->exists(); }
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override { return inner_->get_range(name, offset, length); }
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override { return inner_->stat(name); }
  Status remove(const std::string& name) override;

  // Objects served from the copies so far (for tests and -v).
  uint64_t hits() const { return hits_; }

 private:
  void keep(const std::string& name, ByteView data);
  std::unique_ptr<Backend> inner_;
  std::string dir_;
  std::atomic<uint64_t> hits_{0};
};

// Whether `name` is one of the objects the cache keeps.
bool cacheable_object(const std::string& name);

}  // namespace gb
