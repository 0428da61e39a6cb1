#include "agents/linux/fanotify_event.h"

#include "core/common/le_codec.h"

namespace gb::fanotify {

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
  put_le_string(e.fsid, out);
  put_le_string(e.dir, out);
  put_le_string(e.name, out);
  put_le(e.inode, 8, out);
  return out;
}

bool decode_event(std::string_view raw, FanotifyEvent& out) {
  LeReader r{raw};
  out.mask = r.fixed(8);
  out.flags = static_cast<uint32_t>(r.fixed(4));
  out.fsid = r.string();
  out.dir = r.string();
  out.name = r.string();
  out.inode = r.ok && raw.size() - r.pos == 8 ? r.fixed(8) : 0;
  return r.ok && r.at_end();
}

}  // namespace gb::fanotify
