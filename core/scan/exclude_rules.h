// What a backup leaves out, with restic's semantics, so that an exclude list
// written for restic means the same here (README "Excludes" has the table):
//
//  - a pattern is matched one path component at a time ('*', '?' and '[..]'
//    never cross a '/'); '**' stands for any number of components;
//  - a pattern without a leading '/' matches at any depth ("small/cache"
//    excludes /x/small/cache and everything below it), one with a leading
//    '/' is anchored at the root of the file system; a trailing '/' is
//    ignored;
//  - a pattern that starts with '!' cancels the match of an earlier one (the
//    last pattern that matches decides); a directory once excluded is not
//    entered, so nothing below it can be brought back;
//  - case-insensitive patterns (--iexclude) fold ASCII letters;
//  - a directory holding a tag file (CACHEDIR.TAG with its signature for
//    --exclude-caches, any name for --exclude-if-present) keeps only the tag
//    file;
//  - a regular file larger than a limit is left out.
//
// The full scan (scanner.cpp) and the narrow slice (narrow_slice.cpp) both
// decide through one ExcludeRules, so the two agree on every path.
//
// Hand-written matching: fnmatch(3) does each component, but no library
// Debian ships has restic's component windows, '**' and '!' rules.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/snapshot/entry.h"

namespace gb {

class ExcludePattern {
 public:
  // Fails with a sentence for an empty pattern or an unclosed '['; `where`
  // names the pattern's source ("--exclude", "the pattern in FILE").
  static Result<ExcludePattern> parse(const std::string& text, bool ignore_case, const std::string& where);
  // Whether the absolute path `path` (or a directory above it) matches.
  bool matches(const std::string& path) const;
  // The same for a path already split into its names (split once for all patterns).
  bool matches_names(const std::vector<std::string>& names) const;
  bool negated() const { return negated_; }

 private:
  bool match_from(size_t part, const std::vector<std::string>& names, size_t at) const;
  std::vector<std::string> parts_;
  bool anchored_ = false, negated_ = false, ignore_case_ = false;
};

// A tag file: a directory holding `name` (whose first bytes are `header`,
// when one is given) keeps only that file.
struct TagFile {
  std::string name;
  std::string header;
};

// The signature every CACHEDIR.TAG starts with (bford.info/cachedir).
inline const TagFile kCacheDirTag{"CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55"};

// Everything a backup was told to leave out, as given.
struct ExcludeSpec {
  std::vector<std::string> patterns;    // --exclude, --exclude-file, our own files
  std::vector<std::string> ipatterns;   // --iexclude, --iexclude-file
  std::vector<TagFile> tag_files;       // --exclude-caches, --exclude-if-present
  std::optional<uint64_t> larger_than;  // --exclude-larger-than
};

class ExcludeRules {
 public:
  ExcludeRules() = default;
  // Fails with a sentence for a bad pattern.
  static Result<ExcludeRules> make(const ExcludeSpec& spec);
  // Patterns only, already known to be good (tests, internal lists).
  explicit ExcludeRules(const std::vector<std::string>& patterns);

  // Whether the patterns leave `path` out (the last matching pattern decides).
  bool matches(const std::string& path) const;
  // Whether `e` is left out by its size.
  bool too_large(const Entry& e) const;
  // Whether the directory `dir`, which holds `names` (sorted), keeps only
  // its tag files; if so, `keep` says which names remain.
  bool tagged(const std::string& dir, const std::vector<std::string>& names, std::vector<std::string>& keep) const;
  // For one path at a time (the narrow slice, which does not list
  // directories): the names of the tag files `dir` holds; a name in `dir`
  // is left out if any of them is another name.
  std::vector<std::string> present_tags(const std::string& dir) const;
  bool has_tag_files() const { return !tags_.empty(); }
  bool is_tag_name(const std::string& name) const;

 private:
  bool dir_has_tag(const std::string& dir, const TagFile& tag) const;
  std::vector<ExcludePattern> patterns_;
  std::vector<TagFile> tags_;
  std::optional<uint64_t> larger_than_;
};

// The spec as the snapshot records it (docs/FORMAT.md): a first entry
// "--excludes=restic" (this rule; older snapshots lack it), the patterns as
// given, then "--iexclude=P", "--exclude-caches", "--exclude-if-present=NAME
// [:HEADER]", "--exclude-larger-than=BYTES". A narrow slice needs its parent
// to have left out the same (backup_run.cpp compares these).
std::vector<std::string> describe_excludes(const ExcludeSpec& spec);

// "1024", "10K", "2m", "3G", "1t" (1024-based, as restic) -> bytes.
Result<uint64_t> parse_size_limit(const std::string& text);

// Environment variables in an exclude file's line, as restic expands them
// (Go's os.ExpandEnv): $NAME and ${NAME}; an unset one is empty; "$$" is "$".
std::string expand_env(const std::string& line);

}  // namespace gb
