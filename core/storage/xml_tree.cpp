#include "core/storage/xml_tree.h"

#include <cstdint>
#include <fmt/format.h>

#include "core/storage/utf8.h"

namespace gb {
namespace {

constexpr int kMaxDepth = 64;  // S3 documents nest 3 deep; refuse pathological input

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<XmlElement> document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    GB_CHECK(skip_misc());
    if (pos_ >= s_.size() || s_[pos_] != '<') return fail("no root element");
    XmlElement root;
    GB_CHECK(element(root, 1));
    GB_CHECK(skip_misc());
    if (pos_ != s_.size()) return fail("text after the root element");
    return root;
  }

 private:
  Error fail(const std::string& why) const {
    return make_error(ErrorKind::Corrupt, fmt::format("malformed XML response ({} at byte {})", why, pos_));
  }

  bool starts(std::string_view token) const { return s_.substr(pos_, token.size()) == token; }

  Status skip_past(std::string_view end, const char* what) {
    size_t at = s_.find(end, pos_);
    if (at == std::string_view::npos) return fail(fmt::format("unterminated {}", what));
    pos_ = at + end.size();
    return {};
  }

  // Whitespace, comments, processing instructions and a DOCTYPE.
  Status skip_misc() {
    for (;;) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (starts("<?")) {
        GB_CHECK(skip_past("?>", "processing instruction"));
      } else if (starts("<!--")) {
        GB_CHECK(skip_past("-->", "comment"));
      } else if (starts("<!DOCTYPE")) {
        int brackets = 0;
        for (; pos_ < s_.size(); ++pos_) {
          if (s_[pos_] == '[') ++brackets;
          if (s_[pos_] == ']') --brackets;
          if (s_[pos_] == '>' && brackets == 0) break;
        }
        if (pos_ >= s_.size()) return fail("unterminated DOCTYPE");
        ++pos_;
      } else {
        return {};
      }
    }
  }

  std::string_view name() {
    size_t begin = pos_;
    while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '>' && s_[pos_] != '/' && s_[pos_] != '=')
      ++pos_;
    return s_.substr(begin, pos_ - begin);
  }

  Status decode_text(std::string_view raw, std::string& out) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) return fail("an '&' without ';'");
      std::string_view ref = raw.substr(i + 1, semi - i - 1);
      if (ref == "lt") out += '<';
      else if (ref == "gt") out += '>';
      else if (ref == "amp") out += '&';
      else if (ref == "quot") out += '"';
      else if (ref == "apos") out += '\'';
      else if (ref.size() > 1 && ref[0] == '#') {
        bool hex = ref[1] == 'x' || ref[1] == 'X';
        std::string_view digits = ref.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8) return fail("a bad character reference");
        uint32_t cp = 0;
        for (char c : digits) {
          int d = c >= '0' && c <= '9' ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                  : -1;
          if (d < 0) return fail("a bad character reference");
          cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("a character reference out of range");
        append_utf8(out, cp);
      } else {
        return fail(fmt::format("the unknown entity '&{};'", ref));
      }
      i = semi;
    }
    return {};
  }

  Status element(XmlElement& out, int depth) {
    if (depth > kMaxDepth) return fail("elements nested too deeply");
    ++pos_;  // '<'
    std::string_view qname = name();
    if (qname.empty()) return fail("an element without a name");
    size_t colon = qname.rfind(':');
    out.name = std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
    // Attributes are skipped: S3 puts nothing we need in them.
    for (;;) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return fail("an unterminated start tag");
      if (starts("/>")) {
        pos_ += 2;
        return {};
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (name().empty()) return fail("a malformed attribute");
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '=') return fail("an attribute without a value");
      ++pos_;
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return fail("an unquoted attribute value");
      size_t close = s_.find(s_[pos_], pos_ + 1);
      if (close == std::string_view::npos) return fail("an unterminated attribute value");
      pos_ = close + 1;
    }
    for (;;) {
      if (pos_ >= s_.size()) return fail(fmt::format("no end tag for <{}>", qname));
      if (starts("</")) {
        pos_ += 2;
        std::string_view end = name();
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
        if (end != qname || pos_ >= s_.size() || s_[pos_] != '>')
          return fail(fmt::format("</{}> does not close <{}>", end, qname));
        ++pos_;
        return {};
      }
      if (starts("<!--")) {
        GB_CHECK(skip_past("-->", "comment"));
      } else if (starts("<![CDATA[")) {
        size_t begin = pos_ + 9;
        GB_CHECK(skip_past("]]>", "CDATA section"));
        out.text.append(s_.substr(begin, pos_ - 3 - begin));
      } else if (starts("<?")) {
        GB_CHECK(skip_past("?>", "processing instruction"));
      } else if (s_[pos_] == '<') {
        out.children.emplace_back();
        GB_CHECK(element(out.children.back(), depth + 1));
      } else {
        size_t next = s_.find('<', pos_);
        if (next == std::string_view::npos) next = s_.size();
        GB_CHECK(decode_text(s_.substr(pos_, next - pos_), out.text));
        pos_ = next;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view n) const {
  for (const auto& c : children)
    if (c.name == n) return &c;
  return nullptr;
}

std::string XmlElement::child_text(std::string_view n) const {
  const XmlElement* c = child(n);
  return c ? c->text : "";
}

Result<XmlElement> parse_xml(std::string_view document) { return Parser(document).document(); }

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace gb
