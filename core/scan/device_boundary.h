// The device boundary: the one rule both the full scan and the narrow slice
// apply, so that a journal-driven snapshot lists exactly what a full scan
// would (README, "Device boundaries").
//
// A directory is entered only when it is on the device (st_dev) of the
// directory that lists it. Below a root, a directory on another device is
// recorded as a directory, its contents are not. That covers mount points and
// every btrfs subvolume or snapshot, mounted or not: each has its own st_dev
// (and its own inode numbers, so (st_dev, st_ino) stays a file's identity).
// Nested subvolumes are mostly snapshots (snapper's .snapshots, one per
// snapshot) and container storage (docker's and podman's btrfs drivers, one
// per image layer), which crossed would multiply a backup; the data a
// distribution keeps in a subvolume (/home) is usually mounted, i.e. a mount
// point anyway. restic's and borg's --one-file-system draw the same line. A
// subvolume is backed up by naming it as a path of its own.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gb {

// The roots of one backup. A root may lie inside another when it is behind a
// device boundary of it (`backup / /home`, /home a mount or a subvolume):
// the walk of the outer root enters it where it meets it, so that paths stay
// in path order, and passes through any unentered directories on the way to
// it without recording what else they hold.
class DeviceBoundary {
 public:
  explicit DeviceBoundary(std::vector<std::string> roots);
  bool is_root(const std::string& path) const;
  // Whether a directory on `device` at `path`, listed in a directory on
  // `listing_device`, is entered: on the same device, or named as a root.
  bool enters(const std::string& path, uint64_t device, uint64_t listing_device) const { return device == listing_device || is_root(path); }
  // The names in `dir` on the way to the roots strictly below it (sorted);
  // none when no root lies below it.
  std::vector<std::string> names_toward_roots(const std::string& dir) const;
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  std::vector<std::string> roots_;
};

// The same rule asked of single paths, without walking the tree: a path is in
// a full scan of the roots when it is a root or every directory from its root
// down to its parent is entered. Each directory's answer is looked up once
// (lstat) and kept, so the cost follows the number of distinct directories
// asked about.
class ScanReach {
 public:
  explicit ScanReach(std::vector<std::string> roots) : boundary_(std::move(roots)) {}
  bool lists(const std::string& path);
  // The device of `dir` when a full scan enters it; none when it does not
  // (behind a boundary, not a directory, gone, or outside every root).
  std::optional<uint64_t> entered(const std::string& dir);
  // Listed with everything below it: a scan of the roots already covers a
  // root named here (normalise_roots), or a watched root covers a backed-up
  // one (the agent's).
  bool covers(const std::string& path);
  const DeviceBoundary& boundary() const { return boundary_; }

 private:
  DeviceBoundary boundary_;
  std::map<std::string, std::optional<uint64_t>> entered_;
};

}  // namespace gb
