// Upload priority: which queued content drains first over a thin link.
// Higher values upload first. The default policy ranks, in this order:
// user rules (e.g. "*.CR2 high", "*/.cache/* low"), then user files (under a
// home directory, or owned by a uid >= 1000) before system files, then small
// before large (by power of two), then newer before older.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/path_glob.h"
#include "core/common/result.h"
#include "core/snapshot/entry.h"

namespace gb {

enum class PriorityClass : int { Lowest = 0, Low = 1, Normal = 2, High = 3 };

struct PriorityRule {
  PathGlob pattern;
  PriorityClass klass;
};

class PriorityPolicy {
 public:
  PriorityPolicy() = default;
  explicit PriorityPolicy(std::vector<PriorityRule> rules) : rules_(std::move(rules)) {}
  // Parses "PATTERN=high|normal|low|lowest".
  static Result<PriorityRule> parse_rule(const std::string& text);
  int64_t priority(const Entry& e) const;

 private:
  std::vector<PriorityRule> rules_;
};

}  // namespace gb
