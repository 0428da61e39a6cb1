// --map FROM=TO for `gridbackup-replay play`: replays a recording made on
// another machine (another OS even) into paths that exist here.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

class PathMap {
 public:
  // Each rule is "FROM=TO" (split at the first '='). A FROM that looks like a
  // Windows path (C:\..., \\server\...) matches ignoring ASCII case, and the
  // rest of a matching path has its '\' turned into '/'.
  static Result<PathMap> parse(const std::vector<std::string>& rules);
  // The path with the longest matching FROM replaced by its TO (whole
  // components only); unchanged when no rule matches.
  std::string apply(const std::string& path) const;

 private:
  struct Rule {
    std::string from, to;
    bool windows = false;
  };
  std::vector<Rule> rules_;  // longest FROM first
};

}  // namespace gb
