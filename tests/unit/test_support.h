// Helpers for unit tests: a fresh repository in a scratch directory.
#pragma once
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/connect/open_backend.h"
#include "core/crypto/keys.h"
#include "core/repository/repository.h"

namespace gb::test {

struct ScratchDir {
  std::string path;
  ScratchDir() {
    char tmpl[] = "/var/tmp/gbunit-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

// The permission bits of `path` (0 when it cannot be stat'ed, which no
// mode a test expects equals).
inline unsigned mode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

inline std::unique_ptr<Repository> make_repository(const std::string& dir, const Hash& master) {
  auto backend = open_backend("file://" + dir + "/repo");
  auto repo = Repository::init(std::move(*backend), master);
  return std::move(*repo);
}

// A fresh repository in a scratch directory (TEST_CASE_FIXTURE, or a base
// of a test's own fixture).
struct ScratchRepository {
  ScratchDir dir;
  std::unique_ptr<Repository> repo = make_repository(dir.path, *random_hash());
};

// How many of the strings one character away from `text` (each character in
// turn made 'A', or 'B' where it is 'A') `parses` accepts.
template <class Parses>
int single_character_changes_accepted(const std::string& text, Parses parses) {
  int accepted = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string bad = text;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    if (parses(bad)) ++accepted;
  }
  return accepted;
}

}  // namespace gb::test
