#include "core/snapshot/retention.h"

#include <algorithm>
#include <ctime>
#include <map>

namespace gb {
namespace {

std::tm local_tm(int64_t time_ns) {
  int64_t seconds = time_ns / 1000000000;
  if (time_ns % 1000000000 < 0) --seconds;
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return tm;
}

std::string format_tm(const std::tm& tm, const char* format) {
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

// A bucket rule: its count, the name of its reason, and the bucket's label
// (%G-W%V is the ISO 8601 week: weeks start on Monday, week 1 holds the
// year's first Thursday).
struct BucketRule {
  uint64_t count;
  const char* name;
  const char* format;
};

std::string group_key(const RetentionPolicy& p, const RetentionCandidate& c) {
  std::string key;
  if (p.group_by_host) key += c.host;
  key += '\0';
  if (p.group_by_paths)
    for (const auto& path : c.paths) key += path + '\0';
  return key;
}

void decide(const RetentionPolicy& p, const std::vector<RetentionCandidate>& candidates, RetentionGroup& g) {
  std::sort(g.decisions.begin(), g.decisions.end(), [&](const RetentionDecision& a, const RetentionDecision& b) {
    const RetentionCandidate &x = candidates[a.candidate], &y = candidates[b.candidate];
    return x.time_ns != y.time_ns ? x.time_ns > y.time_ns : x.id > y.id;
  });
  BucketRule rules[] = {{p.keep_hourly, "hourly", "%Y-%m-%d %H:00"},
                        {p.keep_daily, "daily", "%Y-%m-%d"},
                        {p.keep_weekly, "weekly", "%G-W%V"},
                        {p.keep_monthly, "monthly", "%Y-%m"},
                        {p.keep_yearly, "yearly", "%Y"}};
  std::string last_bucket[5];
  uint64_t left[5];
  for (int r = 0; r < 5; ++r) left[r] = rules[r].count;
  std::optional<int64_t> within_after;
  if (p.keep_within && !g.decisions.empty())
    within_after = subtract_calendar_duration(candidates[g.decisions.front().candidate].time_ns, *p.keep_within);
  for (size_t i = 0; i < g.decisions.size(); ++i) {
    RetentionDecision& d = g.decisions[i];
    const RetentionCandidate& c = candidates[d.candidate];
    if (i < p.keep_last) d.reasons.push_back("last");
    std::tm tm = local_tm(c.time_ns);
    for (int r = 0; r < 5; ++r) {
      if (left[r] == 0) continue;
      // Newest first, so the first snapshot seen in a bucket is its newest.
      std::string bucket = format_tm(tm, rules[r].format);
      if (bucket == last_bucket[r]) continue;
      last_bucket[r] = bucket;
      --left[r];
      d.reasons.push_back(std::string(rules[r].name) + " " + bucket);
    }
    if (within_after && c.time_ns > *within_after) d.reasons.push_back("within " + p.keep_within->to_string());
    for (const auto& list : p.keep_tags)
      if (std::all_of(list.begin(), list.end(), [&](const std::string& t) { return std::find(c.tags.begin(), c.tags.end(), t) != c.tags.end(); })) {
        std::string text;
        for (const auto& t : list) text += (text.empty() ? "" : ",") + t;
        d.reasons.push_back("tag " + text);
        break;
      }
    d.keep = !d.reasons.empty();
  }
}

}  // namespace

bool RetentionPolicy::empty() const {
  return !keep_last && !keep_hourly && !keep_daily && !keep_weekly && !keep_monthly && !keep_yearly && !keep_within && keep_tags.empty();
}

Result<std::vector<RetentionGroup>> apply_retention(const RetentionPolicy& policy, const std::vector<RetentionCandidate>& candidates) {
  if (policy.empty())
    return make_error(ErrorKind::InvalidArgument,
                      "a policy without a --keep-* rule would forget every snapshot; give at least one, or name the snapshots to forget");
  std::vector<RetentionGroup> groups;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const RetentionCandidate& c = candidates[i];
    auto [it, fresh] = index.emplace(group_key(policy, c), groups.size());
    if (fresh) {
      RetentionGroup g;
      if (policy.group_by_host) g.host = c.host;
      if (policy.group_by_paths) g.paths = c.paths;
      groups.push_back(std::move(g));
    }
    groups[it->second].decisions.push_back(RetentionDecision{i, false, {}});
  }
  for (auto& g : groups) decide(policy, candidates, g);
  return groups;
}

}  // namespace gb
