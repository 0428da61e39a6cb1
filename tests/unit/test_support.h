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

}  // namespace gb::test
