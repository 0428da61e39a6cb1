// GridBackup's own files (a local repository, the state dir, the cap file)
// are never backed up: a repository stored inside itself grows every run,
// and the state dir is a cache of the repository. Backups exclude them.
#pragma once
#include <string>
#include <vector>

namespace gb {

struct OwnPath {
  std::string what;  // "the repository", "the state dir", "the cap file"
  std::string path;  // absolute, normalised
};

// `path` made absolute and lexically normal, without a trailing '/'.
std::string absolute_normal(const std::string& path);

// The local directories a repository URL stores into: a file:// root or an
// absolute path, and those of a grid's local members. Remote ones: none.
std::vector<std::string> local_repository_dirs(const std::string& url);

// Exclude patterns (fnmatch, escaped) naming each path exactly, and its
// symlink-resolved form where that differs.
std::vector<std::string> own_exclude_patterns(const std::vector<OwnPath>& own);

// "excluding the repository /x and the state dir /y (GridBackup's own
// files)" for those that lie inside one of `roots` (absolute, normalised);
// empty when none does.
std::string own_files_note(const std::vector<OwnPath>& own, const std::vector<std::string>& roots);

}  // namespace gb
