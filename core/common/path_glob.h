// The one rule for path patterns (fnmatch, no flags: '*' also matches '/'):
// a pattern with '/' matches the whole path, one without matches the base
// name. `find` and upload priorities use it; backup excludes follow
// restic's rule instead (core/scan/exclude_rules.h), as restic users expect.
#pragma once
#include <fnmatch.h>

#include <string>

namespace gb {

class PathGlob {
 public:
  explicit PathGlob(std::string pattern) : pattern_(std::move(pattern)), whole_(pattern_.find('/') != std::string::npos) {}
  bool matches(const std::string& path) const {
    if (whole_) return ::fnmatch(pattern_.c_str(), path.c_str(), 0) == 0;
    return ::fnmatch(pattern_.c_str(), path.c_str() + path.rfind('/') + 1, 0) == 0;
  }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  bool whole_;
};

}  // namespace gb
