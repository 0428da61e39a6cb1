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
  std::string string() {
    uint64_t n = fixed(4);
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
