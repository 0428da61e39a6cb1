// The grid's members and the share files on them: what a grid is below its
// objects. GridBackend (grid_backend.h) codes each object into shares and
// keeps them here; verify, repair and retire (grid_repair.h) work on the
// shares directly. Share names and layout: docs/FORMAT.md, "Grid shares".
//
// A member that fails with Transient, Io or Permanent is left alone for 30 s,
// so a dead server costs its retries once, not once per share.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"
#include "core/grid/grid_config.h"
#include "core/grid/share_codec.h"
#include "core/storage/backend.h"

namespace gb {

// Names under this prefix are the grid's own (markers), never objects.
inline constexpr std::string_view kGridReservedPrefix = "_grid/";

class ShareStore {
 public:
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

  // Opens every member of the grid with `open_member`; fails naming the
  // first member that cannot be opened.
  static Result<std::unique_ptr<ShareStore>> open(GridConfig config, const OpenBackend& open_member);
  ~ShareStore();

  const GridConfig& config() const { return config_; }
  size_t member_count() const { return members_.size(); }
  const GridMember& member_info(size_t i) const { return config_.members[i]; }
  Backend& member(size_t i);
  // Member positions in the object's permuted order.
  std::vector<size_t> placement(const std::string& name) const;
  bool member_down(size_t i) const;

  // Makes every member's location usable; fails unless `happy` members could be prepared.
  Status create();
  // True when any member's location exists.
  Result<bool> exists();

  // The share files that member listings of `prefix` return (objects whose
  // name starts with it, and for "NAME/" the shares of NAME), on the given
  // members (all when empty). Members marked down are reported failed
  // without being asked unless `ask_down` is set.
  ShareListing list_shares(const std::string& prefix, const std::vector<size_t>& members = {}, bool ask_down = false);
  // The same on one member, failing when it cannot be listed.
  Result<std::vector<ShareFile>> list_member(size_t member, const std::string& prefix);
  // Reads and checks one share file (Corrupt when its header or table is
  // damaged, or it is not the share its name says).
  Result<Share> fetch_share(const ShareFile& file);
  Status put_share(size_t member, const std::string& object, int index, uint64_t object_length, ByteView share);
  Status remove_share(const ShareFile& file);

  // Objects recorded as under-replicated at put time (a marker on the
  // members that took shares, for repair).
  Result<std::vector<std::string>> under_replicated();
  void mark_under_replicated(const std::string& object, const std::vector<size_t>& holders, const std::string& note);
  void clear_under_replicated(const std::string& object);

 private:
  struct Member;
  explicit ShareStore(GridConfig config);
  void note_failure(size_t member, const Error& e);
  Error member_error(size_t member, const Error& e) const;

  GridConfig config_;
  std::vector<std::string> member_ids_;
  std::vector<std::unique_ptr<Member>> members_;
};

// The member object that marks `object` as under-replicated, for callers
// that look below the grid.
std::string under_replicated_marker(const std::string& object);

}  // namespace gb
