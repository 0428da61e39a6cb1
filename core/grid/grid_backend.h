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
// - A member that fails with Transient, Io or Permanent is left alone for
//   30 s, so a dead server costs its retries once, not once per object.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/grid/grid_config.h"
#include "core/grid/object_cache.h"
#include "core/grid/share_codec.h"
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

  // --- share-level access, for verify, repair and retire (core/grid/grid_repair.h)
  const GridConfig& config() const { return config_; }
  size_t member_count() const { return members_.size(); }
  const GridMember& member_info(size_t i) const { return config_.members[i]; }
  Backend& member(size_t i);
  // Member positions in the object's permuted order.
  std::vector<size_t> placement(const std::string& name) const;

  struct ShareFile {
    size_t member = 0;
    std::string object;
    int index = 0;
    uint64_t length = 0;  // of the object
  };
  struct MemberFailure {
    size_t member = 0;
    Error error;
  };
  struct ShareListing {
    std::vector<ShareFile> shares;
    std::vector<MemberFailure> failed;  // members that could not be listed
  };
  // The share files that member listings of `prefix` return (objects whose
  // name starts with it, and for "NAME/" the shares of NAME), on the given
  // members (all when empty). Members marked down are reported failed
  // without being asked unless `ask_down` is set.
  ShareListing list_shares(const std::string& prefix, const std::vector<size_t>& members = {}, bool ask_down = false);
  // Reads and checks one share file (Corrupt when its header or table is
  // damaged, or it is not the share its name says).
  Result<Share> fetch_share(const ShareFile& file);
  Status put_share(size_t member, const std::string& object, int index, uint64_t object_length, ByteView share);
  Status remove_share(const ShareFile& file);
  // Objects recorded as under-replicated at put time.
  Result<std::vector<std::string>> under_replicated();
  void clear_under_replicated(const std::string& object);
  bool member_down(size_t i) const;

 private:
  struct Member;
  struct Gathered;
  GridBackend(std::string url, GridConfig config);
  void note_failure(size_t member, const Error& e);
  Error member_error(size_t member, const Error& e) const;
  Result<std::vector<ShareFile>> list_member(size_t member, const std::string& prefix);
  void gather(const std::string& name, const std::vector<size_t>& members, bool ask_down, Gathered& into);
  Error unreadable(const std::string& name, const Gathered& gathered) const;

  std::string url_;
  GridConfig config_;
  std::vector<std::string> member_ids_;
  std::vector<std::unique_ptr<Member>> members_;
  std::unique_ptr<ObjectCache> cache_;
};

// The member names of grid objects, for callers that look below the grid.
std::string under_replicated_marker(const std::string& object);

}  // namespace gb
