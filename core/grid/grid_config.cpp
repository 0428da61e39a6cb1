#include "core/grid/grid_config.h"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <set>

#include "core/common/number_text.h"
#include "core/grid/erasure_code.h"

namespace gb {
namespace {

constexpr std::string_view kScheme = "grid:";

Error bad_grid(const std::string& url, const std::string& why) {
  return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable grid: URL: {}", url, why));
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

int default_happy(int k, int n) { return std::min(n, k + 1); }

}  // namespace

bool is_grid_url(const std::string& url) { return url.rfind(kScheme, 0) == 0; }

Result<GridConfig> GridConfig::parse(const std::string& url) {
  if (!is_grid_url(url)) return bad_grid(url, "it does not start with grid:");
  auto parts = split(url.substr(kScheme.size()), '|');
  if (parts.size() < 2) return bad_grid(url, "it names no members (grid:k=K|URL|URL|...)");
  GridConfig c;
  int n = 0, happy = 0;
  for (const auto& option : split(parts[0], ',')) {
    size_t eq = option.find('=');
    std::string name = option.substr(0, eq), value = eq == std::string::npos ? "" : option.substr(eq + 1);
    if (name != "k" && name != "n" && name != "happy")
      return bad_grid(url, fmt::format("the option '{}' is unknown (known options: k, n, happy)", name));
    auto v = parse_uint(value, INT32_MAX);
    if (!v || *v < 1) return bad_grid(url, fmt::format("the option {} needs a whole number of at least 1, not '{}'", name, value));
    (name == "k" ? c.k : name == "n" ? n : happy) = static_cast<int>(*v);
  }
  if (c.k == 0) return bad_grid(url, "it does not say k, the number of shares that rebuild an object (grid:k=3|...)");
  std::set<std::string> ids, urls;
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& text = parts[i];
    GridMember m{text, text};
    size_t eq = text.find('=');
    if (eq != std::string::npos && text.find_first_of(":/") > eq) {
      m.id = text.substr(0, eq);
      m.url = text.substr(eq + 1);
      if (!valid_id(m.id)) return bad_grid(url, fmt::format("the member id '{}' may only use letters, digits, '-', '_' and '.'", m.id));
    }
    if (m.url.empty()) return bad_grid(url, fmt::format("member {} has no URL", i));
    if (is_grid_url(m.url)) return bad_grid(url, "a grid cannot be a member of a grid");
    if (!ids.insert(m.id).second) return bad_grid(url, fmt::format("the member '{}' is named twice", m.id));
    if (!urls.insert(m.url).second) return bad_grid(url, fmt::format("the member URL '{}' is given twice", m.url));
    c.members.push_back(std::move(m));
  }
  const int members = static_cast<int>(c.members.size());
  if (members > ErasureCode::kMaxShares)
    return bad_grid(url, fmt::format("it has {} members; at most {} are supported", members, ErasureCode::kMaxShares));
  c.n = n ? n : members;
  if (c.n > members) return bad_grid(url, fmt::format("n={} shares need at least {} members, it has {}", c.n, c.n, members));
  if (c.k > c.n) return bad_grid(url, fmt::format("k={} is larger than n={}: an object needs k of its n shares", c.k, c.n));
  c.happy = happy ? happy : default_happy(c.k, c.n);
  if (c.happy < c.k || c.happy > c.n) return bad_grid(url, fmt::format("happy={} must be from k={} to n={}", c.happy, c.k, c.n));
  return c;
}

std::string GridConfig::format() const {
  std::string out = fmt::format("{}k={}", kScheme, k);
  if (n != static_cast<int>(members.size())) out += fmt::format(",n={}", n);
  if (happy != default_happy(k, n)) out += fmt::format(",happy={}", happy);
  for (const auto& m : members) out += "|" + (m.id == m.url ? m.url : m.id + "=" + m.url);
  return out;
}

int GridConfig::find_member(const std::string& id_or_url) const {
  for (size_t i = 0; i < members.size(); ++i)
    if (members[i].id == id_or_url || members[i].url == id_or_url) return static_cast<int>(i);
  return -1;
}

}  // namespace gb
