#include "core/storage/storage_url.h"

#include <fmt/format.h>
#include <algorithm>

#include "core/common/number_text.h"

namespace gb {
namespace {

Error bad_url(const std::string& text, const std::string& why) {
  return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable storage URL: {}", text, why));
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_encode(std::string_view text, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<StorageUrl> parse_storage_url(const std::string& text) {
  StorageUrl url;
  url.text = text;
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return bad_url(text, "it has no scheme (such as s3://)");
  url.scheme = text.substr(0, scheme_end);
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(), [](unsigned char c) { return std::tolower(c); });

  std::string rest = text.substr(scheme_end + 3);
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  if (rest.find('#') != std::string::npos) return bad_url(text, "it contains a '#' fragment");
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string raw_path = slash == std::string::npos ? "" : rest.substr(slash);

  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    if (!user) return bad_url(text, "the user name has a broken %-escape");
    url.user = *user;
    if (colon != std::string::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1));
      if (!password) return bad_url(text, "the password has a broken %-escape");
      url.password = *password;
    }
  }

  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad_url(text, "an IPv6 address lacks its closing ']'");
    url.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad_url(text, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return bad_url(text, "it names no host");
  if (!port_text.empty()) {
    auto port = parse_uint(port_text, 65535);
    if (!port || *port == 0) return bad_url(text, fmt::format("the port '{}' is not a number from 1 to 65535", port_text));
    url.port = static_cast<uint16_t>(*port);
  }

  auto path = percent_decode(raw_path);
  if (!path) return bad_url(text, "the path has a broken %-escape");
  url.path = *path;

  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    pos = amp == std::string::npos ? query.size() : amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    auto name = percent_decode(item.substr(0, eq));
    auto value = percent_decode(eq == std::string::npos ? "" : item.substr(eq + 1));
    if (!name || !value) return bad_url(text, "a query parameter has a broken %-escape");
    if (url.params.count(*name)) return bad_url(text, fmt::format("the option '{}' is given twice", *name));
    url.params[*name] = *value;
  }
  return url;
}

std::string StorageUrl::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port ? fmt::format("{}:{}", h, *port) : h;
}

std::string StorageUrl::redacted() const {
  std::string out = scheme + "://";
  if (!user.empty()) out += percent_encode(user, false) + "@";
  out += authority() + percent_encode(path, true);
  char sep = '?';
  for (const auto& [name, value] : params) {
    out += sep + percent_encode(name, false) + "=" + percent_encode(value, true);
    sep = '&';
  }
  return out;
}

Status StorageUrl::check_params(const std::vector<std::string_view>& known) const {
  for (const auto& [name, value] : params) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string list;
    for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    return make_error(ErrorKind::InvalidArgument, fmt::format("the {}:// URL option '{}' is unknown (known options: {})", scheme, name, list));
  }
  return {};
}

std::string StorageUrl::param(const std::string& name, const std::string& fallback) const {
  auto it = params.find(name);
  return it == params.end() ? fallback : it->second;
}

Result<uint64_t> StorageUrl::number_param(const std::string& name, uint64_t fallback) const {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& v = it->second;
  auto n = parse_uint(v, 999999999999999999ull);  // 18 digits, as before
  if (!n) return make_error(ErrorKind::InvalidArgument, fmt::format("the URL option {}='{}' must be a whole number", name, v));
  return *n;
}

Result<bool> StorageUrl::flag_param(const std::string& name, bool fallback) const {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "yes" || v.empty()) return true;
  if (v == "0" || v == "false" || v == "no") return false;
  return make_error(ErrorKind::InvalidArgument, fmt::format("the URL option {}='{}' must be 1 or 0", name, v));
}

}  // namespace gb
