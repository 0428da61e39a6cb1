#include "core/backup/own_files.h"

#include <filesystem>

#include "core/grid/grid_config.h"

namespace gb {
namespace {

// fnmatch without flags takes a backslash as "the next character as is".
std::string glob_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path.size() >= root.size() && path.compare(0, root.size(), root) == 0 && (path.size() == root.size() || path[root.size()] == '/');
}

std::string resolved(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

std::string absolute_normal(const std::string& path) {
  std::error_code ec;
  std::string p = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::vector<std::string> local_repository_dirs(const std::string& url) {
  if (url.rfind("file://", 0) == 0) return {absolute_normal(url.substr(7))};
  if (!url.empty() && url[0] == '/') return {absolute_normal(url)};
  std::vector<std::string> out;
  if (is_grid_url(url))
    if (auto grid = GridConfig::parse(url))
      for (const auto& m : grid->members)
        for (auto& d : local_repository_dirs(m.url)) out.push_back(std::move(d));
  return out;
}

std::vector<std::string> own_exclude_patterns(const std::vector<OwnPath>& own) {
  std::vector<std::string> out;
  for (const auto& o : own) {
    out.push_back(glob_escape(o.path));
    if (std::string r = resolved(o.path); r != o.path) out.push_back(glob_escape(r));
  }
  return out;
}

std::string own_files_note(const std::vector<OwnPath>& own, const std::vector<std::string>& roots) {
  std::vector<const OwnPath*> named;
  for (const auto& o : own)
    for (const auto& r : roots)
      if (inside(o.path, r) || inside(resolved(o.path), resolved(r))) {
        named.push_back(&o);
        break;
      }
  if (named.empty()) return "";
  std::string text = "excluding ";
  for (size_t i = 0; i < named.size(); ++i) {
    if (i) text += i + 1 == named.size() ? " and " : ", ";
    text += named[i]->what + " " + named[i]->path;
  }
  return text + " (GridBackup's own files)";
}

}  // namespace gb
