#include "core/service/user_pause.h"

namespace gb {

namespace {
const std::string kKey = "user_pause";

// A member of the stored object as an integer, or nullopt (absent, another type).
std::optional<int64_t> integer_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}
}  // namespace

std::optional<UserPause> user_pause_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("by") || !j["by"].is_string()) return std::nullopt;
  UserPause p;
  p.by = j["by"].get<std::string>();
  p.uid = integer_member(j, "uid").value_or(-1);
  p.since_ns = integer_member(j, "since_ns").value_or(0);
  p.until_ns = integer_member(j, "until_ns").value_or(0);
  return p;
}

Result<std::optional<UserPause>> read_user_pause(ServiceState& state, int64_t now_ns) {
  GB_ASSIGN(auto text, state.value(kKey));
  if (!text || text->empty()) return std::optional<UserPause>();
  auto p = user_pause_from_json(nlohmann::json::parse(*text, nullptr, false));
  if (p && p->over_at(now_ns)) return std::optional<UserPause>();
  return p;
}

// Stored as the JSON the answers carry: one shape to read.
Status write_user_pause(ServiceState& state, const UserPause& pause) { return state.set_value(kKey, user_pause_json(pause).dump()); }

Status clear_user_pause(ServiceState& state) { return state.set_value(kKey, ""); }

nlohmann::json user_pause_json(const UserPause& pause) {
  return {{"by", pause.by},
          {"uid", pause.uid},
          {"since_ns", pause.since_ns},
          {"until_ns", pause.until_ns ? nlohmann::json(pause.until_ns) : nlohmann::json()}};
}

}  // namespace gb
