#include "core/journal/scan_fallback.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace gb {

// Measured with scripts/bench-agent-bursts on this project's 2-core test
// machine (Debian 12, kernel 6.18, a loop-mounted ext4, the fanotify agent,
// warm caches, other jobs sharing the cores: CPU seconds, user + system, of
// the backup; the narrow slice against the full scan this rule falls back
// to, which keeps the view cache as the slice does). A tree of 20,000 files:
//   rm -rf of 12,000 (share 0.6): slice 0.24, scan 0.25;
//   rm -rf of 18,000 (share 0.9): slice 0.40 and 0.33, scan 0.25 and 0.18.
//   creates of 20,000 (1.0): slice 1.07-1.32, scan 1.78 (a scan also
//   reads and records every new file); of 60,000 into 5,000 (12): slice
//   3.92, scan 3.68 -- no share of creates where a scan pays clearly.
//   Rescanning the whole tree inside the slice instead of its named paths:
//   0.45 at share 0.9, 1.40 for the creates -- never better than the slice.
// So: the crossover for deletes, 0.6. With it, rm -rf of 100,000 of 110,000
// files: slice 2.38 CPU s (8.1 s wall), this fallback 1.35 (3.6 s); 100,000
// creates into 10,000 stay a slice (README, "Benchmarks").
ScanFallbackRule ScanFallbackRule::measured() { return {0.6, 1000}; }

ScanFallbackRule ScanFallbackRule::from_environment() {
  ScanFallbackRule rule = measured();
  const char* v = std::getenv("GRIDBACKUP_TEST_SCAN_SHARE");
  if (!v || !*v) return rule;
  std::string s(v);
  if (s == "never") {
    rule.gone_share = kNever;
    return rule;
  }
  char* end = nullptr;
  double share = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && share >= 0 && std::isfinite(share)) rule.gone_share = share;
  return rule;
}

ScanFallback plan_scan_fallback(const SlicePlan& plan, uint64_t previous_entries, const ScanFallbackRule& rule) {
  ScanFallback out;
  out.gone = plan.gone;
  out.previous = previous_entries;
  out.full_scan = out.gone >= rule.min_gone && static_cast<double>(out.gone) >= rule.gone_share * static_cast<double>(previous_entries);
  return out;
}

}  // namespace gb
