// Little-endian fixed-width integers and u32-length-prefixed strings: the
// encoding of recordings and of the agents' raw event frames. Header only,
// standard library only, so every agent (the Windows one included) uses it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gb {

inline void put_le(uint64_t v, size_t bytes, std::string& out) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

inline void put_le_string(std::string_view s, std::string& out) {
  put_le(s.size(), 4, out);
  out.append(s);
}

// Reads what put_le and put_le_string wrote; any read past the end clears
// `ok` and returns zero or empty.
struct LeReader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint64_t fixed(size_t bytes) {
    if (!ok || data.size() - pos < bytes) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    pos += bytes;
    return v;
  }
  // LEB128, as in core/common/serial.h (the change-record stream uses both).
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok && pos < data.size(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(data[pos++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::string string() { return take(fixed(4)); }
  std::string varint_string() { return take(varint()); }
  std::string take(uint64_t n) {
    if (!ok || n > data.size() - pos) {
      ok = false;
      return {};
    }
    std::string s(data.substr(pos, n));
    pos += n;
    return s;
  }
  bool at_end() const { return pos == data.size(); }
};

}  // namespace gb
