#include "core/storage/json_value.h"

#include <fmt/format.h>

#include "core/storage/utf8.h"

namespace gb {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonValue> document() {
    JsonValue v;
    GB_CHECK(value(v, 0));
    space();
    if (pos_ != s_.size()) return fail("text after the value");
    return v;
  }

 private:
  Error fail(const std::string& why) const {
    return make_error(ErrorKind::Corrupt, fmt::format("malformed JSON answer ({} at byte {})", why, pos_));
  }

  void space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) return fail("values nested too deeply");
    space();
    if (pos_ >= s_.size()) return fail("a missing value");
    char c = s_[pos_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v.type = JsonValue::Type::String;
      return string(v.text);
    }
    if (literal("true") || literal("false")) {
      v.type = JsonValue::Type::Bool;
      v.boolean = c == 't';
      return {};
    }
    if (literal("null")) return {};
    return number(v);
  }

  Status number(JsonValue& v) {
    size_t begin = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > start;
    };
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("an unexpected character");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return fail("a number without digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("a number without exponent digits");
    }
    v.type = JsonValue::Type::Number;
    v.text = std::string(s_.substr(begin, pos_ - begin));
    return {};
  }

  Result<uint32_t> hex4() {
    if (pos_ + 4 > s_.size()) return fail("a short \\u escape");
    uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return fail("a bad \\u escape");
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    return cp;
  }

  Status string(std::string& out) {
    ++pos_;  // '"'
    for (;;) {
      if (pos_ >= s_.size()) return fail("an unterminated string");
      char c = s_[pos_++];
      if (c == '"') return {};
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return fail("an unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          GB_ASSIGN(uint32_t cp, hex4());
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair encodes one character
            if (!literal("\\u")) return fail("a lone surrogate");
            GB_ASSIGN(uint32_t low, hex4());
            if (low < 0xDC00 || low > 0xDFFF) return fail("a bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("a lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail("an unknown escape");
      }
    }
  }

  Status array(JsonValue& v, int depth) {
    v.type = JsonValue::Type::Array;
    ++pos_;
    space();
    if (literal("]")) return {};
    for (;;) {
      v.items.emplace_back();
      GB_CHECK(value(v.items.back(), depth + 1));
      space();
      if (literal("]")) return {};
      if (!literal(",")) return fail("a missing ',' in an array");
    }
  }

  Status object(JsonValue& v, int depth) {
    v.type = JsonValue::Type::Object;
    ++pos_;
    space();
    if (literal("}")) return {};
    for (;;) {
      space();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("an object key that is not a string");
      v.members.emplace_back();
      GB_CHECK(string(v.members.back().first));
      space();
      if (!literal(":")) return fail("a missing ':' in an object");
      GB_CHECK(value(v.members.back().second, depth + 1));
      space();
      if (literal("}")) return {};
      if (!literal(",")) return fail("a missing ',' in an object");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::get(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

std::optional<uint64_t> JsonValue::as_uint() const {
  if (type != Type::Number || text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

Result<JsonValue> parse_json(std::string_view text) { return Parser(text).document(); }

}  // namespace gb
