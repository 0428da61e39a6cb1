#include "core/cli/name_text.h"

#include <fmt/format.h>

#include "core/common/valid_utf8.h"
#include "core/snapshot/entry.h"

namespace gb {
namespace {

// The length of the valid UTF-8 sequence at s[i] (1 for ASCII), or 0.
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  return n && i + n <= s.size() && is_valid_utf8(s.substr(i, n)) ? n : 0;
}

bool needs_quoting(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = utf8_length(s, i);
    if (n == 0 || c < 0x20 || c == 0x7f) return true;
    // C1 controls (U+0080..U+009F) act as controls on many terminals too.
    if (n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) return true;
    i += n;
  }
  return false;
}

}  // namespace

std::string printable_name(std::string_view s) {
  if (!needs_quoting(s)) return std::string(s);
  std::string out = "$'";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = utf8_length(s, i);
    bool c1 = n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
    if (n == 1 && c >= 0x20 && c != 0x7f) {
      if (c == '\\' || c == '\'') out += '\\';
      out += static_cast<char>(c);
    } else if (n > 1 && !c1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      switch (c) {
        case 0x1b:
          out += "\\e";
          break;
        case '\a':
          out += "\\a";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\v':
          out += "\\v";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += fmt::format("\\x{:02x}", c);
      }
      if (c1) {  // both bytes, so the quoted text reads back as the same bytes
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + 1]));
        i += 2;
        continue;
      }
    }
    ++i;
  }
  return out + "'";
}

}  // namespace gb
