#include "core/scan/exclude_rules.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/common/number_text.h"
#include "core/fs/file_system.h"

namespace gb {
namespace {

// "/a//b/" -> {"a", "b"}; "." dropped and ".." taken back, as Go's
// filepath.Clean does to restic's patterns.
std::vector<std::string> split_names(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    if (slash > i) {
      std::string name = path.substr(i, slash - i);
      if (name == "..") {
        if (!out.empty()) out.pop_back();
      } else if (name != ".") {
        out.push_back(std::move(name));
      }
    }
    i = slash + 1;
  }
  return out;
}

// fnmatch's own check of the bracket syntax: an unclosed '[' is literal to
// fnmatch but an error to restic (Go's filepath.Match), so it is refused.
bool unclosed_bracket(const std::string& part) {
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '\\') {
      ++i;
      continue;
    }
    if (part[i] != '[') continue;
    size_t j = i + 1;
    if (j < part.size() && (part[j] == '!' || part[j] == '^')) ++j;
    if (j < part.size() && part[j] == ']') ++j;
    while (j < part.size() && part[j] != ']') ++j;
    if (j >= part.size()) return true;
    i = j;
  }
  return false;
}

}  // namespace

Result<ExcludePattern> ExcludePattern::parse(const std::string& text, bool ignore_case, const std::string& where) {
  ExcludePattern p;
  std::string body = text;
  if (!body.empty() && body[0] == '!') {
    p.negated_ = true;
    body = body.substr(1);
  }
  if (body.empty())
    return make_error(ErrorKind::InvalidArgument, fmt::format("{} needs a pattern, not an empty string (it would match nothing)", where));
  p.anchored_ = body[0] == '/';
  p.parts_ = split_names(body);
  p.ignore_case_ = ignore_case;
  for (const auto& part : p.parts_)
    if (unclosed_bracket(part))
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("{} '{}' has a '[' that is never closed (write '\\[' for a literal '[')", where, text));
  return p;
}

bool ExcludePattern::match_from(size_t part, const std::vector<std::string>& names, size_t at) const {
  // The pattern is used up: what is left of the path is below a match.
  if (part == parts_.size()) return true;
  if (parts_[part] == "**") {
    for (size_t k = at; k <= names.size(); ++k)
      if (match_from(part + 1, names, k)) return true;
    return false;
  }
  if (at == names.size()) return false;
  int flags = ignore_case_ ? FNM_CASEFOLD : 0;
  if (::fnmatch(parts_[part].c_str(), names[at].c_str(), flags) != 0) return false;
  return match_from(part + 1, names, at + 1);
}

bool ExcludePattern::matches(const std::string& path) const { return matches_names(split_names(path)); }

bool ExcludePattern::matches_names(const std::vector<std::string>& names) const {
  if (anchored_) return match_from(0, names, 0);
  for (size_t start = 0; start < names.size(); ++start)
    if (match_from(0, names, start)) return true;
  return false;
}

Result<ExcludeRules> ExcludeRules::make(const ExcludeSpec& spec) {
  ExcludeRules r;
  for (const auto& p : spec.patterns) {
    GB_ASSIGN(auto pattern, ExcludePattern::parse(p, false, "the exclude pattern"));
    r.patterns_.push_back(std::move(pattern));
  }
  for (const auto& p : spec.ipatterns) {
    GB_ASSIGN(auto pattern, ExcludePattern::parse(p, true, "the exclude pattern"));
    r.patterns_.push_back(std::move(pattern));
  }
  for (const auto& t : spec.tag_files) {
    if (t.name.empty() || t.name.find('/') != std::string::npos)
      return make_error(ErrorKind::InvalidArgument, fmt::format("--exclude-if-present takes a file name without '/', not '{}'", t.name));
    r.tags_.push_back(t);
  }
  r.larger_than_ = spec.larger_than;
  return r;
}

ExcludeRules::ExcludeRules(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (auto pattern = ExcludePattern::parse(p, false, "the exclude pattern")) patterns_.push_back(std::move(*pattern));
}

bool ExcludeRules::matches(const std::string& path) const {
  if (patterns_.empty()) return false;
  std::vector<std::string> names = split_names(path);
  bool out = false;
  for (const auto& p : patterns_)
    if (out == p.negated() && p.matches_names(names)) out = !p.negated();
  return out;
}

bool ExcludeRules::too_large(const Entry& e) const { return larger_than_ && e.type == NodeType::File && e.size > *larger_than_; }

bool ExcludeRules::dir_has_tag(const std::string& dir, const TagFile& tag) const {
  std::string path = dir == "/" ? "/" + tag.name : dir + "/" + tag.name;
  if (tag.header.empty()) {
    fs::FileInfo st;
    return fs::lstat_info(path, st);
  }
  // The header is read from the file itself (a symlink is not followed: a
  // tag is a file in the directory, as the standard has it).
  UniqueFd fd = fs::open_for_reading(path);
  if (!fd) return false;
  std::string head(tag.header.size(), '\0');
  size_t got = 0;
  while (got < head.size()) {
    ssize_t n = ::read(fd.get(), head.data() + got, head.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return got == head.size() && head == tag.header;
}

bool ExcludeRules::tagged(const std::string& dir, const std::vector<std::string>& names, std::vector<std::string>& keep) const {
  keep.clear();
  bool any = false;
  for (const auto& t : tags_) {
    if (!std::binary_search(names.begin(), names.end(), t.name) || !dir_has_tag(dir, t)) continue;
    if (!any)
      keep = {t.name};
    else
      keep.erase(std::remove_if(keep.begin(), keep.end(), [&](const std::string& n) { return n != t.name; }), keep.end());
    any = true;
  }
  return any;
}

bool ExcludeRules::is_tag_name(const std::string& name) const {
  for (const auto& t : tags_)
    if (t.name == name) return true;
  return false;
}

std::vector<std::string> ExcludeRules::present_tags(const std::string& dir) const {
  std::vector<std::string> out;
  for (const auto& t : tags_)
    if (dir_has_tag(dir, t)) out.push_back(t.name);
  return out;
}

std::vector<std::string> describe_excludes(const ExcludeSpec& spec) {
  std::vector<std::string> out = {"--excludes=restic"};
  out.insert(out.end(), spec.patterns.begin(), spec.patterns.end());
  for (const auto& p : spec.ipatterns) out.push_back("--iexclude=" + p);
  for (const auto& t : spec.tag_files) {
    if (t.name == kCacheDirTag.name && t.header == kCacheDirTag.header)
      out.push_back("--exclude-caches");
    else
      out.push_back("--exclude-if-present=" + t.name + (t.header.empty() ? "" : ":" + t.header));
  }
  if (spec.larger_than) out.push_back("--exclude-larger-than=" + std::to_string(*spec.larger_than));
  return out;
}

Result<uint64_t> parse_size_limit(const std::string& text) {
  std::string digits = text;
  uint64_t unit = 1;
  if (!digits.empty()) {
    switch (std::tolower(static_cast<unsigned char>(digits.back()))) {
      case 'k':
        unit = 1ull << 10;
        break;
      case 'm':
        unit = 1ull << 20;
        break;
      case 'g':
        unit = 1ull << 30;
        break;
      case 't':
        unit = 1ull << 40;
        break;
      default:
        break;
    }
    if (unit != 1) digits.pop_back();
  }
  auto n = parse_uint(digits, std::numeric_limits<uint64_t>::max() / unit);
  if (!n)
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("--exclude-larger-than '{}' is not a size (a whole number of bytes, or with k, m, g or t: 10m)", text));
  return *n * unit;
}

std::string expand_env(const std::string& line) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '$' || i + 1 == line.size()) {
      out += line[i];
      continue;
    }
    if (line[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    size_t end = i + 1;
    if (line[end] == '{') {
      size_t close = line.find('}', end);
      if (close == std::string::npos) {
        out += line.substr(i);
        break;
      }
      name = line.substr(end + 1, close - end - 1);
      end = close + 1;
    } else {
      while (end < line.size() && name_char(line[end])) name += line[end++];
    }
    if (name.empty()) {
      out += '$';
      continue;
    }
    if (const char* v = std::getenv(name.c_str())) out += v;
    i = end - 1;
  }
  return out;
}

}  // namespace gb
