// The full scanner: walks the backup roots depth-first, each directory's
// names sorted bytewise, so entries come out in path order (path_order.h).
// It never crosses a device boundary (device_boundary.h): a mount point or
// btrfs subvolume below a root is recorded as a directory but not entered,
// and each root is its own filesystem.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/scan/device_boundary.h"
#include "core/scan/exclude_rules.h"
#include "core/snapshot/entry.h"

namespace gb {

struct ScanProblem {
  std::string path;
  std::string message;
};

// Reads one path's metadata (lstat, symlink target, xattrs) into an Entry.
// A path that does not exist (or whose parent is no directory) fails with
// Cause::NotFound; the lstat failure's message is the system's sentence alone.
Result<Entry> stat_entry(const std::string& path);

class Scanner {
 public:
  // `roots` are absolute, normalised and sorted in path order
  // (normalise_roots); one inside another is entered where the walk of the
  // outer one meets it (device_boundary.h).
  // For a scan of one subtree as part of a scan from above (the narrow
  // slice's rescans), `listing_device` is the device of the directory that
  // lists it and `all_roots` the roots of the scan from above: the subtree is
  // then entered only as the scan from above would enter it.
  // What `excludes` leaves out is not emitted (an excluded directory with
  // everything below it; a tagged one with all but its tag files).
  Scanner(std::vector<std::string> roots, ExcludeRules excludes, std::function<void(ScanProblem)> on_problem,
          std::optional<uint64_t> listing_device = std::nullopt, std::vector<std::string> all_roots = {});
  // The next entry in path order; false at the end.
  bool next(Entry& e);
  // The directories recorded but not entered so far (device boundaries).
  const std::vector<std::string>& unentered() const { return unentered_; }

 private:
  struct Frame {
    std::string dir;
    std::vector<std::string> names;
    size_t next = 0;
    uint64_t device = 0;
    bool pass = false;  // on the way to a root below: nothing here is recorded
  };
  void enter(const Entry& dir);
  void pass_through(const Entry& dir);
  std::vector<std::string> roots_;
  size_t next_root_ = 0;
  ExcludeRules excludes_;
  std::optional<uint64_t> listing_device_;
  DeviceBoundary boundary_;
  std::function<void(ScanProblem)> on_problem_;
  std::vector<Frame> stack_;
  std::vector<std::string> unentered_;
};

// Makes each root absolute and normal, drops roots inside other roots, and
// sorts them in path order. Fails with a sentence if a root does not exist.
Result<std::vector<std::string>> normalise_roots(const std::vector<std::string>& paths);

}  // namespace gb
