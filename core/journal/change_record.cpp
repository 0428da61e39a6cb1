#include "core/journal/change_record.h"

#include "core/common/le_codec.h"

#include <cstdio>

namespace gb {
namespace {

constexpr const char* kNames[] = {"?", "created", "modified", "deleted", "renamed-from", "renamed-to", "attrib", "overflow", "rescan-needed"};

void put_varint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string_view s, std::string& out) {
  put_varint(s.size(), out);
  out.append(s);
}

}  // namespace

const std::string_view kChangeStreamMagic = "GBCR1\n";

const char* change_kind_name(ChangeKind k) {
  auto i = static_cast<size_t>(k);
  return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "?";
}

std::optional<ChangeKind> change_kind_from_name(std::string_view name) {
  for (size_t i = 1; i < sizeof(kNames) / sizeof(kNames[0]); ++i)
    if (name == kNames[i]) return static_cast<ChangeKind>(i);
  return std::nullopt;
}

std::string describe(const ChangeRecord& r) {
  std::string path;
  for (unsigned char c : r.path) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      path.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      path += buf;
    }
  }
  return std::string(change_kind_name(r.kind)) + (r.is_dir ? " dir " : " file ") + path;
}

bool operator==(const ChangeRecord& a, const ChangeRecord& b) {
  return a.fs_id == b.fs_id && a.path == b.path && a.kind == b.kind && a.is_dir == b.is_dir && a.time_ns == b.time_ns && a.position == b.position &&
         a.inode == b.inode;
}

void append_change_record(const ChangeRecord& r, std::string& out) {
  std::string body;
  body.push_back(static_cast<char>(r.kind));
  body.push_back(r.is_dir ? 1 : 0);
  put_string(r.fs_id, body);
  put_string(r.path, body);
  put_varint((static_cast<uint64_t>(r.time_ns) << 1) ^ static_cast<uint64_t>(r.time_ns >> 63), body);
  put_varint(r.position, body);
  put_varint(r.inode, body);
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
  out += body;
}

bool parse_change_stream(std::string_view data, std::vector<ChangeRecord>& out) {
  if (data.substr(0, kChangeStreamMagic.size()) != kChangeStreamMagic) return false;
  size_t pos = kChangeStreamMagic.size();
  while (pos < data.size()) {
    if (data.size() - pos < 4) return false;
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    pos += 4;
    if (n > data.size() - pos || n < 2) return false;
    LeReader c{data.substr(pos, n)};
    ChangeRecord r;
    uint8_t kind = static_cast<uint8_t>(c.data[0]);
    r.is_dir = c.data[1] != 0;
    c.pos = 2;
    r.fs_id = c.varint_string();
    r.path = c.varint_string();
    uint64_t t = c.varint();
    r.time_ns = static_cast<int64_t>(t >> 1) ^ -static_cast<int64_t>(t & 1);
    r.position = c.varint();
    if (c.pos < n) r.inode = c.varint();
    if (!c.ok || c.pos != n || kind < 1 || kind > static_cast<uint8_t>(ChangeKind::RescanNeeded)) return false;
    r.kind = static_cast<ChangeKind>(kind);
    out.push_back(std::move(r));
    pos += n;
  }
  return true;
}

}  // namespace gb
