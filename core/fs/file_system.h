// The file-system boundary: every call of the core that differs between
// operating systems is declared here, so nothing else under core/ names an
// OS-specific API (tests/layers/fs_boundary.sh keeps it so). One file per OS
// implements what differs, as LevelDB's Env (util/env_posix.cc) and restic's
// internal/fs do: file_system_linux.cpp for Linux, file_system_posix.cpp for
// every other POSIX system (its portable versions are also compiled on Linux,
// as gb::fs::portable, so the unit tests run them here too).
//
// The low-level calls return false / an invalid fd with errno set, as the
// system calls they stand for do, so callers keep their own sentences.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/result.h"
#include "core/fs/unique_fd.h"

namespace gb::fs {

enum class FileType : uint8_t { File, Dir, Symlink, Fifo, CharDev, BlockDev, Socket };

// What lstat/fstat say about one node, with times in nanoseconds.
struct FileInfo {
  FileType type = FileType::File;
  uint32_t mode = 0;  // permission bits, including setuid/setgid/sticky
  uint32_t uid = 0, gid = 0;
  uint64_t size = 0;  // st_size: for a symlink, the target's length
  int64_t mtime_ns = 0, ctime_ns = 0;
  uint64_t inode = 0, device = 0, rdev = 0;
  uint64_t links = 0;  // hard-link count
};

// lstat (never follows a symlink); false with errno set.
bool lstat_info(const std::string& path, FileInfo& info);
bool fstat_info(int fd, FileInfo& info);

// A symlink's target, read whole (`size_hint`: its lstat size, which a
// target changed since may exceed); false with errno set.
bool read_symlink(const std::string& path, uint64_t size_hint, std::string& target);

using Xattrs = std::vector<std::pair<std::string, std::string>>;
// The extended attributes of `path` itself (a symlink's own, never its
// target's), sorted by name. A file system without them has none. An error
// says which step failed, with the system's sentence.
Result<Xattrs> read_xattrs(const std::string& path);
// Sets one extended attribute on an open file / on `path` itself (not
// following a symlink); false with errno set.
bool set_xattr(int fd, const std::string& name, const std::string& value);
bool set_xattr_nofollow(const std::string& path, const std::string& name, const std::string& value);

// Opens a regular file to be read once, front to back, for backup: read
// only, a symlink is not followed, the access time is left alone where the
// system allows it, and the system is told to read ahead. Invalid with errno
// set when it cannot be opened.
UniqueFd open_for_reading(const std::string& path);
// Asks the system to start reading [offset, offset + length) now.
void read_ahead(int fd, uint64_t offset, uint64_t length);

// Copies everything from `in`'s position to its end into `out`; `copied`
// counts the bytes. False with errno set when a read or write failed.
bool copy_contents(int in, int out, uint64_t& copied);

// A new read-write file in `dir` that has no name (it is gone when closed,
// whatever happens to this process where the system allows it).
Result<UniqueFd> anonymous_temp_file(const std::string& dir);

// The kernel pseudo-filesystem's name ("proc", "sysfs", "cgroup2", ...) when
// `path` is on one: such file systems hold no user data, their "files" are
// views of kernel state, some endless or blocking (`backup /proc` never
// finished). None where the system has no such thing or it cannot tell.
std::optional<std::string> pseudo_filesystem(const std::string& path);

// Whether the directory `path` is a btrfs subvolume or snapshot that is not a
// mount point: a device boundary (device_boundary.h) users do not expect,
// since nothing in the mount table shows it. False where the system has none.
bool unmounted_subvolume(const std::string& path);

// A path naming `name` in the directory `dir_fd` that resolves nothing but
// that descriptor, for calls that have no *at form (binding a socket,
// setting a node's xattrs). Empty where the system has no such path.
std::string path_in_dir(int dir_fd, const std::string& name);

// The absolute path of the running program; empty when the system cannot say.
std::string executable_path();

// The versions for any POSIX system, used where the OS's own calls are
// missing (and by the unit tests, on every system).
namespace portable {
UniqueFd open_for_reading(const std::string& path);
bool copy_contents(int in, int out, uint64_t& copied);
Result<UniqueFd> anonymous_temp_file(const std::string& dir);
}  // namespace portable

}  // namespace gb::fs
