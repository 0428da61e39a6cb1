#include "agents/replay/path_map.h"

#include <algorithm>
#include <cctype>

namespace gb {
namespace {

bool looks_like_windows(const std::string& p) {
  bool drive = p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':';
  return drive || p.rfind("\\\\", 0) == 0;
}

bool is_separator(char c, bool windows) { return c == '/' || (windows && c == '\\'); }

char fold(char c, bool windows) { return windows && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool prefix_matches(const std::string& path, const std::string& from, bool windows) {
  if (path.size() < from.size()) return false;
  for (size_t i = 0; i < from.size(); ++i)
    if (fold(path[i], windows) != fold(from[i], windows)) return false;
  // Whole components: "/data" matches "/data/x", not "/database".
  return path.size() == from.size() || is_separator(from.back(), windows) || is_separator(path[from.size()], windows);
}

}  // namespace

Result<PathMap> PathMap::parse(const std::vector<std::string>& rules) {
  PathMap map;
  for (const auto& r : rules) {
    size_t eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size())
      return make_error(ErrorKind::InvalidArgument, "--map wants FROM=TO (e.g. --map 'C:\\=/mnt/c'), not '" + r + "'");
    std::string from = r.substr(0, eq);
    map.rules_.push_back({from, r.substr(eq + 1), looks_like_windows(from)});
  }
  std::stable_sort(map.rules_.begin(), map.rules_.end(), [](const Rule& a, const Rule& b) { return a.from.size() > b.from.size(); });
  return map;
}

std::string PathMap::apply(const std::string& path) const {
  for (const auto& rule : rules_) {
    if (!prefix_matches(path, rule.from, rule.windows)) continue;
    std::string rest = path.substr(rule.from.size());
    if (rule.windows) std::replace(rest.begin(), rest.end(), '\\', '/');
    std::string out = rule.to;
    if (!rest.empty()) {
      bool to_slash = !out.empty() && out.back() == '/', rest_slash = rest[0] == '/';
      if (to_slash && rest_slash) out.pop_back();
      if (!to_slash && !rest_slash) out.push_back('/');
    }
    return out + rest;
  }
  return path;
}

}  // namespace gb
