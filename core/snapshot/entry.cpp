#include "core/snapshot/entry.h"

namespace gb {

enum : uint8_t { kOpUpsert = 1, kOpDelete = 2 };

void encode_entry(const Entry& e, Writer& w) {
  w.u8(e.deleted ? kOpDelete : kOpUpsert);
  w.str(e.path);
  if (e.deleted) return;
  w.u8(static_cast<uint8_t>(e.type));
  w.varint(e.mode);
  w.varint(e.uid);
  w.varint(e.gid);
  w.varint(e.size);
  w.svarint(e.mtime_ns);
  w.svarint(e.ctime_ns);
  w.varint(e.inode);
  w.varint(e.device);
  w.varint(e.hardlink_id);
  w.varint(e.rdev);
  w.u8(e.flags);
  if (e.type == NodeType::File) w.hash(e.content);
  if (e.type == NodeType::Symlink) w.str(e.symlink_target);
  w.varint(e.xattrs.size());
  for (const auto& [k, v] : e.xattrs) {
    w.str(k);
    w.str(v);
  }
}

bool decode_entry(Reader& r, Entry& e) {
  e = Entry{};
  uint8_t op = r.u8();
  e.path = r.str();
  if (op == kOpDelete) {
    e.deleted = true;
    return r.ok();
  }
  if (op != kOpUpsert) {
    r.fail();
    return false;
  }
  uint8_t type = r.u8();
  if (type < 1 || type > 7) r.fail();
  e.type = static_cast<NodeType>(type);
  e.mode = static_cast<uint32_t>(r.varint());
  e.uid = static_cast<uint32_t>(r.varint());
  e.gid = static_cast<uint32_t>(r.varint());
  e.size = r.varint();
  e.mtime_ns = r.svarint();
  e.ctime_ns = r.svarint();
  e.inode = r.varint();
  e.device = r.varint();
  e.hardlink_id = r.varint();
  e.rdev = r.varint();
  e.flags = r.u8();
  if (e.type == NodeType::File) e.content = r.hash();
  if (e.type == NodeType::Symlink) e.symlink_target = r.str();
  uint64_t nx = r.varint();
  if (nx > r.remaining()) r.fail();
  for (uint64_t i = 0; i < nx && r.ok(); ++i) {
    std::string k = r.str();
    e.xattrs.emplace_back(std::move(k), r.str());
  }
  return r.ok();
}

bool same_entry(const Entry& a, const Entry& b) {
  Writer wa, wb;
  encode_entry(a, wa);
  encode_entry(b, wb);
  return wa.buffer() == wb.buffer();
}

const char* node_type_name(NodeType t) {
  switch (t) {
    case NodeType::File:
      return "file";
    case NodeType::Dir:
      return "dir";
    case NodeType::Symlink:
      return "symlink";
    case NodeType::Fifo:
      return "fifo";
    case NodeType::CharDev:
      return "chardev";
    case NodeType::BlockDev:
      return "blockdev";
    case NodeType::Socket:
      return "socket";
  }
  return "?";
}

}  // namespace gb
