#include "agents/linux/fanotify_event.h"

namespace gb::fanotify {
namespace {

void put_le(uint64_t v, int bytes, std::string& out) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void put_string(std::string_view s, std::string& out) {
  put_le(s.size(), 4, out);
  out.append(s);
}

// Reads little-endian fields; any read past the end clears `ok`.
struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint64_t le(size_t bytes) {
    if (!ok || data.size() - pos < bytes) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    pos += bytes;
    return v;
  }
  std::string string() {
    uint64_t n = le(4);
    if (!ok || n > data.size() - pos) {
      ok = false;
      return {};
    }
    std::string s(data.substr(pos, n));
    pos += n;
    return s;
  }
};

}  // namespace

bool operator==(const FanotifyEvent& a, const FanotifyEvent& b) {
  return a.mask == b.mask && a.fsid == b.fsid && a.dir == b.dir && a.name == b.name && a.flags == b.flags && a.inode == b.inode;
}

std::string event_path(const FanotifyEvent& e) {
  if (e.name.empty() || e.name == ".") return e.dir;
  return e.dir == "/" ? "/" + e.name : e.dir + "/" + e.name;
}

std::string encode_event(const FanotifyEvent& e) {
  std::string out;
  put_le(e.mask, 8, out);
  put_le(e.flags, 4, out);
  put_string(e.fsid, out);
  put_string(e.dir, out);
  put_string(e.name, out);
  put_le(e.inode, 8, out);
  return out;
}

bool decode_event(std::string_view raw, FanotifyEvent& out) {
  Reader r{raw};
  out.mask = r.le(8);
  out.flags = static_cast<uint32_t>(r.le(4));
  out.fsid = r.string();
  out.dir = r.string();
  out.name = r.string();
  out.inode = r.ok && raw.size() - r.pos == 8 ? r.le(8) : 0;
  return r.ok && r.pos == raw.size();
}

}  // namespace gb::fanotify
