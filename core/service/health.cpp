#include "core/service/health.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/common/number_text.h"
#include "core/service/service_state.h"

namespace gb {
namespace {

constexpr int64_t kSecond = 1000000000;

// "4 days", "5 hours", "30 minutes", "12 seconds": the span in its largest unit.
std::string span_text(int64_t ns) {
  int64_t s = std::max<int64_t>(0, ns / kSecond);
  auto n = [](int64_t v, const char* unit) { return fmt::format("{} {}{}", v, unit, v == 1 ? "" : "s"); };
  if (s >= 2 * 86400) return n(s / 86400, "day");
  if (s >= 2 * 3600) return n(s / 3600, "hour");
  if (s >= 120) return n(s / 60, "minute");
  return n(s, "second");
}

std::string mib_text(uint64_t bytes) { return fmt::format("{} MiB", bytes >> 20); }

// A reason is one line: a message from elsewhere (a server's answer) loses its newlines.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

struct Verdict {
  std::vector<std::pair<HealthLevel, std::string>> found;
  void add(HealthLevel level, std::string reason) { found.emplace_back(level, one_line(std::move(reason))); }
  // The worst level found, its reasons first (in the order found within a level).
  Health health() {
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    Health h;
    for (auto& [level, reason] : found) {
      h.level = std::max(h.level, level);
      h.reasons.push_back(std::move(reason));
    }
    return h;
  }
  // How stale something is: WARNING past the limit, FAILING past twice it.
  void age(int64_t age_ns, int64_t limit_ns, const std::string& reason) {
    if (age_ns > 2 * limit_ns)
      add(HealthLevel::Failing, reason);
    else if (age_ns > limit_ns)
      add(HealthLevel::Warning, reason);
  }
};

}  // namespace

const char* health_level_name(HealthLevel level) {
  switch (level) {
    case HealthLevel::Ok:
      return "OK";
    case HealthLevel::Warning:
      return "WARNING";
    case HealthLevel::Failing:
      return "FAILING";
  }
  return "";
}

std::optional<HealthLevel> parse_health_level(std::string_view name) {
  for (HealthLevel l : {HealthLevel::Ok, HealthLevel::Warning, HealthLevel::Failing})
    if (name == health_level_name(l)) return l;
  return std::nullopt;
}

Health evaluate_health(const HealthInputs& in, const HealthThresholds& limits) {
  Verdict v;
  if (in.state_disk_free_bytes && *in.state_disk_free_bytes < limits.disk_full_bytes)
    v.add(HealthLevel::Failing, fmt::format("state disk full: {} free", mib_text(*in.state_disk_free_bytes)));
  else if (in.state_disk_free_bytes && *in.state_disk_free_bytes < limits.disk_low_bytes)
    v.add(HealthLevel::Warning, fmt::format("state disk nearly full: {} free", mib_text(*in.state_disk_free_bytes)));
  if (in.verify_found_damage) v.add(HealthLevel::Failing, "damage found by the last verify: run 'gridbackup verify' to see which objects");
  if (!in.repository_reachable)
    v.add(HealthLevel::Warning, in.repository_error.empty() ? "repository unreachable" : "repository unreachable: " + in.repository_error);
  if (in.grid_members > 0 && !in.grid_members_down.empty()) {
    int up = in.grid_members - static_cast<int>(in.grid_members_down.size());
    std::string down = fmt::format("{}", fmt::join(in.grid_members_down, ", "));
    if (up < in.grid_k)
      v.add(HealthLevel::Failing, fmt::format("grid members down: {}; {} of {} answer, fewer than the k={} an object needs to be read", down, up,
                                              in.grid_members, in.grid_k));
    else if (up < in.grid_happy)
      v.add(HealthLevel::Failing,
            fmt::format("grid members down: {}; {} of {} answer, fewer than the happy={} an upload needs", down, up, in.grid_members, in.grid_happy));
    else
      v.add(HealthLevel::Warning, fmt::format("grid members down: {}", down));
  }
  if (in.last_complete_snapshot_ns)
    v.age(in.now_ns - *in.last_complete_snapshot_ns, limits.stale_ns,
          fmt::format("no complete snapshot for {}", span_text(in.now_ns - *in.last_complete_snapshot_ns)));
  else if (in.watching_since_ns)
    v.age(in.now_ns - in.watching_since_ns, limits.stale_ns,
          fmt::format("no complete snapshot in the {} since the service first ran", span_text(in.now_ns - in.watching_since_ns)));
  if (in.oldest_queued_ns)
    v.age(in.now_ns - *in.oldest_queued_ns, limits.stale_ns,
          fmt::format("the oldest queued file has waited {} to be uploaded", span_text(in.now_ns - *in.oldest_queued_ns)));
  if (in.audit_missed_changes) v.add(HealthLevel::Warning, "the last audit found changes the change journal had missed (the snapshot holds them)");
  return v.health();
}

HealthRecord next_health_record(const std::optional<HealthRecord>& before, const Health& now, int64_t now_ns) {
  HealthRecord r{now, now_ns};
  if (before && before->health.level == now.level) r.since_ns = before->since_ns;
  return r;
}

bool health_hook_due(const std::optional<HealthRecord>& before, const Health& now) {
  if (now.level == HealthLevel::Ok) return false;
  return !before || before->health.level != now.level;
}

Status store_health(ServiceState& state, const HealthRecord& record) {
  GB_CHECK(state.set_value("health_level", health_level_name(record.health.level)));
  GB_CHECK(state.set_value("health_reasons", fmt::format("{}", fmt::join(record.health.reasons, "\n"))));
  return state.set_value("health_since_ns", std::to_string(record.since_ns));
}

Result<std::optional<HealthRecord>> load_health(ServiceState& state) {
  GB_ASSIGN(auto level_text, state.value("health_level"));
  GB_ASSIGN(auto reasons, state.value("health_reasons"));
  GB_ASSIGN(auto since, state.value("health_since_ns"));
  if (!level_text || !since) return std::optional<HealthRecord>();
  auto level = parse_health_level(*level_text);
  auto since_ns = parse_int(*since);
  // A value this version cannot read is no record: the next evaluation writes a fresh one.
  if (!level || !since_ns) return std::optional<HealthRecord>();
  HealthRecord r;
  r.health.level = *level;
  r.since_ns = *since_ns;
  if (reasons && !reasons->empty()) {
    size_t start = 0;
    for (;;) {
      size_t nl = reasons->find('\n', start);
      r.health.reasons.push_back(reasons->substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return std::optional<HealthRecord>(std::move(r));
}

}  // namespace gb
