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

namespace gb {

// Whether a directory on `dir_device`, listed in a directory on
// `listing_device`, is entered.
inline bool enters_directory(uint64_t dir_device, uint64_t listing_device) { return dir_device == listing_device; }

// The same rule asked of single paths, without walking the tree: a path is in
// a full scan of `root` when every directory from the root down to its parent
// is entered. Each directory's answer is looked up once (lstat) and kept, so
// the cost follows the number of distinct directories asked about.
class ScanReach {
 public:
  explicit ScanReach(std::string root) : root_(std::move(root)) {}
  // `path` is the root or below it.
  bool lists(const std::string& path);
  // The device of `dir` when a full scan of the root enters it; none when it
  // does not (behind a boundary, not a directory, or gone).
  std::optional<uint64_t> entered(const std::string& dir);

 private:
  std::string root_;
  std::map<std::string, std::optional<uint64_t>> entered_;
};

}  // namespace gb
