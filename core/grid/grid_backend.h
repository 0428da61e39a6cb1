// grid: — one backend made of several member backends (any mix of file://,
// s3://, sftp://, tahoe://). Each object is coded k-of-n (core/grid) and its
// n shares go to n members, in the object's permuted member order; any k
// shares rebuild it. See docs/STORAGE.md ("grid:") and docs/FORMAT.md ("Grid
// shares").
//
// - put: share i goes to the i-th member of the order; a share whose member
//   fails goes to the next member with the fewest shares of the object. The
//   put fails unless `happy` members took shares; with fewer than n members
//   holding shares the object is recorded as under-replicated (a marker
//   object _grid/under/NAME on the members that took shares) for repair.
// - get: lists and reads the shares on the first k members of the order
//   (normally the k primary shares: then the object is just their blocks
//   copied together); only when that is not enough are the other members
//   asked and the object decoded. Damaged blocks are skipped.
// - get_range: whole objects are fetched and kept in a small cache (64 MiB,
//   core/grid/object_cache.h), so reading many blobs of one pack fetches the
//   pack once.
// - list: the union over the members; fails only when more than n-k members
//   cannot be listed (then objects may be missing from the answer).
// - The members and their share files are a ShareStore (share_store.h),
//   which also leaves a failing member alone for a while.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/grid/object_cache.h"
#include "core/grid/share_store.h"
#include "core/storage/backend.h"

namespace gb {

class GridBackend final : public Backend {
 public:
  // Members are opened by `open_member` (open_backend, core/connect, which
  // sits above every backend and so may know them all).
  static Result<std::unique_ptr<GridBackend>> open(const std::string& url, const OpenBackend& open_member);
  ~GridBackend() override;

  std::string url() const override { return url_; }
  Status create() override;
  Result<bool> exists() override;
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override;
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override;
  Status remove(const std::string& name) override;

  // The shares below the objects, for verify, repair and retire (core/grid/grid_repair.h).
  ShareStore& shares() { return *shares_; }
  const ShareStore& shares() const { return *shares_; }

 private:
  struct Gathered;
  GridBackend(std::string url, std::unique_ptr<ShareStore> shares);
  void gather(const std::string& name, const std::vector<size_t>& members, bool ask_down, Gathered& into);
  Error unreadable(const std::string& name, const Gathered& gathered) const;

  std::string url_;
  std::unique_ptr<ShareStore> shares_;
  std::unique_ptr<ObjectCache> cache_;
};

}  // namespace gb
