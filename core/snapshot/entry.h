// One path in a backuplog: everything needed to restore it, and what the
// change detector compares to decide whether it changed.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/common/serial.h"

namespace gb {

enum class NodeType : uint8_t { File = 1, Dir = 2, Symlink = 3, Fifo = 4, CharDev = 5, BlockDev = 6, Socket = 7 };

enum EntryFlags : uint8_t {
  kNameNotUtf8 = 1,  // the path's bytes do not decode as UTF-8 (seed 000's "name not in source encoding")
};

struct Entry {
  std::string path;      // absolute, byte-exact, no trailing '/'
  bool deleted = false;  // a tombstone in a delta log: the path is gone
  NodeType type = NodeType::File;
  uint32_t mode = 0;  // permission bits, including setuid/setgid/sticky
  uint32_t uid = 0, gid = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  uint64_t inode = 0, device = 0;  // identity, for change detection only
  uint64_t hardlink_id = 0;        // equal and non-zero for paths that are one inode
  uint64_t rdev = 0;               // device number of device nodes
  uint8_t flags = 0;
  Hash content{};  // SHA-256 of a regular file's bytes
  std::string symlink_target;
  std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name
};

void encode_entry(const Entry& e, Writer& w);
// Decodes one entry; false (with r.ok() false) on damage.
bool decode_entry(Reader& r, Entry& e);
// Whether two entries would restore identically and have the same identity.
bool same_entry(const Entry& a, const Entry& b);
// "file", "dir", "symlink", "fifo", "chardev", "blockdev", "socket".
const char* node_type_name(NodeType t);

}  // namespace gb
