#include "core/cli/backup_sources.h"
#include "core/common/posix_error.h"

#include <glob.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/cli/command.h"

namespace gb {
namespace {

// A list file's whole text; "-" is standard input, as restic has it.
Result<std::string> read_list(const std::string& option, const std::string& file) {
  std::error_code ec;
  if (file != "-" && std::filesystem::is_directory(file, ec))
    return make_error(ErrorKind::InvalidArgument, fmt::format("--{} {} is a directory, not a file of {}", option, file,
                                                              option.find("exclude") != std::string::npos ? "patterns" : "paths"));
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(file, std::ios::binary);
  if (!in) return posix_error(fmt::format("cannot read --{} {}", option, file), errno, ErrorKind::InvalidArgument);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(sep, i);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The lines that say something: trimmed, not empty, not a '#' comment.
std::vector<std::string> meaningful_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& raw : split(text, '\n'))
    if (std::string line = trimmed(raw); !line.empty() && line[0] != '#') out.push_back(std::move(line));
  return out;
}

Status add_pattern_file(const std::string& option, const std::string& file, std::vector<std::string>& out) {
  GB_ASSIGN(std::string text, read_list(option, file));
  for (const auto& line : meaningful_lines(text)) {
    std::string pattern = expand_env(line);
    GB_CHECK(ExcludePattern::parse(pattern, false, "the pattern in " + file));
    out.push_back(std::move(pattern));
  }
  return {};
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;  // unreadable is for the scan to report
}

}  // namespace

void declare_exclude_options(CommandOptions& o) {
  o.value("exclude", "PATTERN", "leave out paths matching PATTERN, restic's syntax (repeatable; README \"Excludes\")");
  o.value("iexclude", "PATTERN", "as --exclude, ignoring the case of letters");
  o.value("exclude-file", "FILE", "leave out the paths matching the patterns in FILE, one a line ('#' comments, $VAR expanded)");
  o.value("iexclude-file", "FILE", "as --exclude-file, ignoring the case of letters");
  o.flag("exclude-caches", "leave out the contents of directories holding a CACHEDIR.TAG (bford.info/cachedir), keeping the tag");
  o.value("exclude-if-present", "NAME[:HEADER]", "leave out the contents of directories holding a file NAME (that starts with HEADER)");
  o.value("exclude-larger-than", "SIZE", "leave out files larger than SIZE (bytes, or 10k, 20m, 3g, 1t)");
}

void declare_files_from_options(CommandOptions& o) {
  o.value("files-from", "FILE", "back up the paths in FILE, one pattern a line (globs expanded, '#' comments; - is stdin)");
  o.value("files-from-verbatim", "FILE", "back up the paths in FILE, one a line, exactly as written");
  o.value("files-from-raw", "FILE", "back up the paths in FILE, each ended by a NUL byte (find -print0)");
}

Result<ExcludeSpec> exclude_spec(const CommandLine& cl) {
  ExcludeSpec spec;
  spec.patterns = cl.all("exclude");
  spec.ipatterns = cl.all("iexclude");
  for (const auto& file : cl.all("exclude-file")) GB_CHECK(add_pattern_file("exclude-file", file, spec.patterns));
  for (const auto& file : cl.all("iexclude-file")) GB_CHECK(add_pattern_file("iexclude-file", file, spec.ipatterns));
  if (cl.flag("exclude-caches")) spec.tag_files.push_back(kCacheDirTag);
  for (const auto& given : cl.all("exclude-if-present")) {
    size_t colon = given.find(':');
    TagFile tag{given.substr(0, colon), colon == std::string::npos ? "" : given.substr(colon + 1)};
    if (tag.name.empty() || tag.name.find('/') != std::string::npos)
      return make_error(ErrorKind::InvalidArgument, fmt::format("--exclude-if-present takes a file name (NAME or NAME:HEADER), not '{}'", given));
    spec.tag_files.push_back(std::move(tag));
  }
  if (auto size = cl.value("exclude-larger-than")) {
    GB_ASSIGN(spec.larger_than, parse_size_limit(*size));
  }
  return spec;
}

Result<BackupSources> backup_sources(const CommandLine& cl) {
  std::vector<std::string> listed = cl.args;
  BackupSources out;
  for (const auto& file : cl.all("files-from")) {
    GB_ASSIGN(std::string text, read_list("files-from", file));
    for (const auto& pattern : meaningful_lines(text)) {
      glob_t g{};
      int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) listed.emplace_back(g.gl_pathv[i]);
      } else {
        out.unmatched.push_back(pattern);
      }
      ::globfree(&g);
    }
  }
  for (const auto& file : cl.all("files-from-verbatim")) {
    GB_ASSIGN(std::string text, read_list("files-from-verbatim", file));
    for (auto& line : split(text, '\n'))
      if (!line.empty()) listed.push_back(std::move(line));
  }
  for (const auto& file : cl.all("files-from-raw")) {
    GB_ASSIGN(std::string text, read_list("files-from-raw", file));
    for (auto& name : split(text, '\0'))
      if (!name.empty()) listed.push_back(std::move(name));
  }
  for (auto& p : listed) (exists(p) ? out.paths : out.missing).push_back(std::move(p));
  return out;
}

}  // namespace gb
