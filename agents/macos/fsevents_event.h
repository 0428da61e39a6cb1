// One FSEvents event as the stream callback delivers it (path, flags, event
// id), and its encoding as a frame of an "fsevents" recording. Standard
// library only: recorded streams are translated and tested on Linux.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gb::fsevents {

// FSEventStreamEventFlags (CoreServices/FSEvents.h), the values Apple ships.
enum Flag : uint32_t {
  kMustScanSubDirs = 0x00000001,
  kUserDropped = 0x00000002,
  kKernelDropped = 0x00000004,
  kEventIdsWrapped = 0x00000008,
  kHistoryDone = 0x00000010,
  kRootChanged = 0x00000020,
  kMount = 0x00000040,
  kUnmount = 0x00000080,
  kItemCreated = 0x00000100,
  kItemRemoved = 0x00000200,
  kItemInodeMetaMod = 0x00000400,
  kItemRenamed = 0x00000800,
  kItemModified = 0x00001000,
  kItemFinderInfoMod = 0x00002000,
  kItemChangeOwner = 0x00004000,
  kItemXattrMod = 0x00008000,
  kItemIsFile = 0x00010000,
  kItemIsDir = 0x00020000,
  kItemIsSymlink = 0x00040000,
  kOwnEvent = 0x00080000,
  kItemIsHardlink = 0x00100000,
  kItemIsLastHardlink = 0x00200000,
  kItemCloned = 0x00400000,
};

struct FsEvent {
  std::string path;  // absolute, as FSEvents reports it (UTF-8 bytes)
  uint32_t flags = 0;
  uint64_t id = 0;  // FSEventStreamEventId
};

// Frame bytes: event id (u64 LE), flags (u32 LE), then the path bytes to the
// end of the frame (docs/FORMAT.md, "Recordings").
std::string encode_fsevent(const FsEvent& e);
std::optional<FsEvent> decode_fsevent(std::string_view frame);

// "ItemCreated|ItemIsFile"; unknown bits as 0x… .
std::string flag_names(uint32_t flags);
std::optional<uint32_t> flags_from_names(std::string_view names);

}  // namespace gb::fsevents
