// A pause a person asked for (`gridbackup service pause [--for 2h]`), kept in
// the service's schedule (service.db, key "user_pause") so that a kill -9 and
// a restart keep it, and read by `service status` whether or not the service
// runs. A pause with an end is over once its time has passed: no one has to
// clear it, and every reader sees it end at the same moment.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/common/result.h"
#include "core/service/service_state.h"

namespace gb {

struct UserPause {
  std::string by;  // the user name of who asked ("root"), or "uid N" when it has none
  int64_t uid = -1;
  int64_t since_ns = 0;
  int64_t until_ns = 0;  // 0: until `service resume`
  bool over_at(int64_t now_ns) const { return until_ns != 0 && now_ns >= until_ns; }
};

// The pause in effect at `now_ns`: none when there is none or it is over.
// A stored value that does not parse counts as none (a pause is a wish, not
// data to keep): the next pause or resume writes it again.
Result<std::optional<UserPause>> read_user_pause(ServiceState& state, int64_t now_ns);
Status write_user_pause(ServiceState& state, const UserPause& pause);
Status clear_user_pause(ServiceState& state);

// {"by", "uid", "since_ns", "until_ns" (null: until resumed)}: the shape of
// `user_pause` in service status --json and the control answers (docs/JSON.md).
nlohmann::json user_pause_json(const UserPause& pause);
// The pause in such an object; nullopt when it is not one (null, no "by").
std::optional<UserPause> user_pause_from_json(const nlohmann::json& j);

}  // namespace gb
