// When most of a tree is gone, a scan is cheaper than the narrow slice: the
// slice pays a stat, a view-cache lookup and its bookkeeping for every name
// the journal says is gone, while a full scan merges the previous view as a
// stream and stats only what is still there. This decides, from a slice plan
// and the previous snapshot's size, whether a backup should scan in full
// instead. Pure, so it is unit tested on made-up plans.
//
// Only deleted names count: for creates and modifications the measured cost
// of a scan grew as fast as the slice's (each new or changed file is stat'ed,
// read and recorded either way), and rescanning a subtree inside the narrow
// slice instead of its named paths was measured not to pay at any share
// (the figures are next to measured() in scan_fallback.cpp).
#pragma once
#include <cstdint>

#include "core/journal/slice_plan.h"

namespace gb {

struct ScanFallbackRule {
  // Scan in full when the names gone >= share x the previous snapshot's
  // entries. kNever turns the fallback off.
  double gone_share;
  // Fewer gone names than this never make a full scan: a slice over so few
  // costs less than loading the repository's index that a full scan needs.
  uint64_t min_gone;

  static constexpr double kNever = 1e300;
  // The built-in rule (measured; the figures are next to its definition).
  static ScanFallbackRule measured();
  // The built-in rule, or the share GRIDBACKUP_TEST_SCAN_SHARE gives ("never"
  // or a number): a hook for benchmarks and tests, nothing else.
  static ScanFallbackRule from_environment();
};

struct ScanFallback {
  bool full_scan = false;
  uint64_t gone = 0;      // names the plan says are gone
  uint64_t previous = 0;  // entries of the previous snapshot
};

// `previous_entries`: the parent snapshot's entries (files, dirs, others) in
// all roots.
ScanFallback plan_scan_fallback(const SlicePlan& plan, uint64_t previous_entries, const ScanFallbackRule& rule);

}  // namespace gb
