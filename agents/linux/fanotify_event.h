// The "fanotify" dialect's raw event, as a recording stores it (one frame per
// event; docs/FORMAT.md, "Recordings" / "fanotify frames").
//
// The kernel reports a directory by its file handle, and handles are not
// portable (they only open on the machine and filesystem that made them, and
// only while the directory exists). So the recorder stores the directory's
// path as it resolved the handle (open_by_handle_at + readlink) when it read
// the event; the translator only joins that path and the name. A handle that
// could not be resolved is stored as an empty dir with kDirUnresolved set: the
// translator turns it into a rescan, never a silent gap.
//
// Standard library only: recordings are translated on every OS.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gb::fanotify {

// The kernel's event mask bits (include/uapi/linux/fanotify.h; part of the
// ABI, so fixed). Repeated here so the translator compiles where there is no
// <sys/fanotify.h>; the reader checks them against the real header.
inline constexpr uint64_t kModify = 0x00000002;
inline constexpr uint64_t kAttrib = 0x00000004;
inline constexpr uint64_t kCloseWrite = 0x00000008;
inline constexpr uint64_t kMovedFrom = 0x00000040;
inline constexpr uint64_t kMovedTo = 0x00000080;
inline constexpr uint64_t kCreate = 0x00000100;
inline constexpr uint64_t kDelete = 0x00000200;
inline constexpr uint64_t kQueueOverflow = 0x00004000;
inline constexpr uint64_t kOnDir = 0x40000000;

// FanotifyEvent::flags
inline constexpr uint32_t kDirUnresolved = 1;  // the directory handle did not resolve: `dir` is empty
inline constexpr uint32_t kDirFromCache = 2;   // the directory was gone; `dir` is its last known path
// (reader only, never recorded) the handle is stale: the directory, or the
// object an event names by its own handle alone, is gone
inline constexpr uint32_t kDirDeleted = 4;

struct FanotifyEvent {
  uint64_t mask = 0;
  std::string fsid;  // the filesystem, 16 hex digits (the kernel's fsid, as statfs reports it)
  // The directory's path as resolved at read time (bytes). An event that
  // names no directory entry (a link-count change, reported by FID alone)
  // has the object's own path here and no name.
  std::string dir;
  std::string name;  // the entry's name in `dir` (bytes); empty when the event is about `dir` itself
  uint32_t flags = 0;
  uint64_t inode = 0;  // the object's inode, from its own file handle where the kernel reports one; 0 unknown
};

bool operator==(const FanotifyEvent& a, const FanotifyEvent& b);

// The path the event is about: dir + "/" + name, or dir itself when there is
// no name (or the name is ".").
std::string event_path(const FanotifyEvent& e);

// Frame bytes: u64 mask, u32 flags, then fsid, dir and name, each a u32
// length and the bytes, then u64 inode (absent in older recordings: 0); all
// little-endian.
std::string encode_event(const FanotifyEvent& e);
// False when `raw` is not exactly one encoded event.
bool decode_event(std::string_view raw, FanotifyEvent& out);

}  // namespace gb::fanotify
