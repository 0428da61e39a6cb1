#include "core/service/grid_return.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/service/service_state.h"

namespace gb {

namespace {

constexpr const char* kSeen = "grid_down_since_repair";
constexpr const char* kNow = "grid_down_now";

std::set<std::string> read_ids(ServiceState& schedule, const char* key, Status& st) {
  std::set<std::string> ids;
  auto v = schedule.value(key);
  if (!v) {
    st = v.error();
    return ids;
  }
  if (!*v) return ids;
  std::istringstream in(**v);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.insert(line);
  return ids;
}

std::string ids_text(const std::set<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += id + "\n";
  return out;
}

}  // namespace

Status note_grid_members_down(ServiceState& schedule, const std::vector<std::string>& down) {
  Status st;
  std::set<std::string> seen = read_ids(schedule, kSeen, st);
  GB_CHECK(st);
  std::set<std::string> now(down.begin(), down.end());
  seen.insert(now.begin(), now.end());
  GB_CHECK(schedule.set_value(kSeen, ids_text(seen)));
  return schedule.set_value(kNow, ids_text(now));
}

Result<std::vector<std::string>> grid_members_returned(ServiceState& schedule) {
  Status st;
  std::set<std::string> seen = read_ids(schedule, kSeen, st);
  GB_CHECK(st);
  std::set<std::string> now = read_ids(schedule, kNow, st);
  GB_CHECK(st);
  std::vector<std::string> back;
  std::set_difference(seen.begin(), seen.end(), now.begin(), now.end(), std::back_inserter(back));
  return back;
}

Status grid_repair_done(ServiceState& schedule) {
  Status st;
  std::set<std::string> now = read_ids(schedule, kNow, st);
  GB_CHECK(st);
  return schedule.set_value(kSeen, ids_text(now));
}

}  // namespace gb
