// Retention policies (`gridbackup forget --keep-*`): which snapshots to keep
// and why. A pure function of the snapshots' times, hosts and paths, with
// restic's semantics: snapshots are grouped (by host and/or paths), each
// group ordered newest first; --keep-last N keeps the N newest; a bucket rule
// (hourly, daily, ISO-weekly, monthly, yearly, in local time) keeps the
// newest snapshot of each of the N newest buckets that hold one; keep-within
// keeps what is younger than the span before the group's newest snapshot.
// A snapshot kept by several rules lists every reason.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/duration.h"
#include "core/common/result.h"

namespace gb {

struct RetentionPolicy {
  uint64_t keep_last = 0, keep_hourly = 0, keep_daily = 0, keep_weekly = 0, keep_monthly = 0, keep_yearly = 0;  // 0: rule off
  std::optional<Duration> keep_within;
  // --keep-tag: a snapshot with every tag of one of these lists is kept (restic's rule).
  std::vector<std::vector<std::string>> keep_tags;
  bool group_by_host = true, group_by_paths = true;
  // True when no rule is set: such a policy would keep nothing.
  bool empty() const;
};

struct RetentionCandidate {
  std::string id;
  int64_t time_ns = 0;
  std::string host;
  std::vector<std::string> paths;
  std::vector<std::string> tags;
};

struct RetentionDecision {
  size_t candidate = 0;  // index into the input
  bool keep = false;
  std::vector<std::string> reasons;  // "last", "daily 2026-11-30", "within 7d", ...
};

struct RetentionGroup {
  std::optional<std::string> host;                // set when grouping by host
  std::optional<std::vector<std::string>> paths;  // set when grouping by paths
  std::vector<RetentionDecision> decisions;       // newest first
};

// How far past this machine's clock a snapshot's time may lie and still be
// weighed by a policy: clocks of the hosts of one repository differ by
// seconds, rarely minutes. A snapshot dated later (a machine whose clock is
// years ahead, or a forged one) would count as its group's newest and push
// real ones out (keep-last) or make every real one old (keep-within is
// measured from the group's newest), so `forget` leaves it out of the policy
// altogether and lists it as skipped (docs/FORMAT.md, threat model).
constexpr int64_t kFutureAllowanceNs = 3600LL * 1000000000LL;  // 1 h
inline bool dated_in_future(int64_t time_ns, int64_t now_ns) { return time_ns > now_ns + kFutureAllowanceNs; }

// Groups in order of first appearance in `candidates`; ties in time are
// ordered by id (the larger id counts as newer, as in SnapshotStore::list).
// Fails with InvalidArgument for an empty policy.
Result<std::vector<RetentionGroup>> apply_retention(const RetentionPolicy& policy, const std::vector<RetentionCandidate>& candidates);

}  // namespace gb
