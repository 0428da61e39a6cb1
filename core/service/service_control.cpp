#include "core/service/service_control.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/common/number_text.h"

namespace gb {

namespace {
// A backup-now is kept under this key as its time in ns ("" once served).
const std::string kBackupNowKey = "backup_now";
// What parse_duration allows (200 years), so for_seconds * 1e9 fits.
constexpr int64_t kMaxPauseSeconds = 200LL * 365 * 86400;
}  // namespace

Result<std::unique_ptr<ServiceControl>> ServiceControl::open(const std::string& service_db) {
  GB_ASSIGN(auto state, ServiceState::open(service_db));
  GB_ASSIGN(auto pause, read_user_pause(*state, 0));
  GB_ASSIGN(auto asked_text, state->value(kBackupNowKey));
  int64_t asked = 0;
  if (asked_text && !asked_text->empty())
    if (auto n = parse_int(*asked_text)) asked = *n;
  return std::unique_ptr<ServiceControl>(new ServiceControl(std::move(state), std::move(pause), asked));
}

std::optional<UserPause> ServiceControl::user_pause(int64_t now_ns) {
  std::lock_guard<std::mutex> hold(mutex_);
  if (pause_ && pause_->over_at(now_ns)) pause_.reset();
  return pause_;
}

int64_t ServiceControl::snapshot_asked() {
  std::lock_guard<std::mutex> hold(mutex_);
  return snapshot_asked_;
}

Status ServiceControl::snapshot_served(int64_t asked) {
  std::lock_guard<std::mutex> hold(mutex_);
  if (asked == 0 || snapshot_asked_ != asked) return {};
  snapshot_asked_ = 0;
  return state_->set_value(kBackupNowKey, "");
}

int64_t ServiceControl::upload_asked() {
  std::lock_guard<std::mutex> hold(mutex_);
  return upload_asked_;
}

void ServiceControl::upload_served(int64_t asked) {
  std::lock_guard<std::mutex> hold(mutex_);
  if (asked != 0 && upload_asked_ == asked) upload_asked_ = 0;
}

void ServiceControl::set_other_pause(const std::string& why) {
  std::lock_guard<std::mutex> hold(mutex_);
  other_pause_ = why;
}

nlohmann::json ServiceControl::state_json(const std::string& command, bool was_paused, int64_t now_ns) {
  if (pause_ && pause_->over_at(now_ns)) pause_.reset();
  return {{"command", command},
          {"was_paused", was_paused},
          {"user_pause", pause_ ? user_pause_json(*pause_) : nlohmann::json()},
          {"other_pause", other_pause_.empty() ? nlohmann::json() : nlohmann::json(other_pause_)},
          {"backup_now_pending", snapshot_asked_ != 0},
          {"upload_now_pending", upload_asked_ != 0}};
}

nlohmann::json ServiceControl::answer(const nlohmann::json& request, const ControlPeer& peer, int64_t now_ns) {
  auto command_it = request.find("command");
  if (command_it == request.end() || !command_it->is_string())
    return {{"error", "the control request names no command (pause, resume, backup-now, upload-now, status)"}};
  const std::string command = command_it->get<std::string>();
  std::lock_guard<std::mutex> hold(mutex_);
  if (pause_ && pause_->over_at(now_ns)) pause_.reset();
  const bool was_paused = pause_.has_value();
  Status stored;
  if (command == "pause") {
    UserPause p{peer.user, peer.uid, now_ns, 0};
    if (auto f = request.find("for_seconds"); f != request.end() && !f->is_null()) {
      if (!f->is_number_integer() || f->get<int64_t>() <= 0 || f->get<int64_t>() > kMaxPauseSeconds)
        return {{"error", fmt::format("a pause's for_seconds must be a whole number of seconds from 1 to {}, not {}", kMaxPauseSeconds, f->dump())}};
      p.until_ns = now_ns + f->get<int64_t>() * 1000000000;
    }
    stored = write_user_pause(*state_, p);
    if (stored) pause_ = p;
  } else if (command == "resume") {
    stored = clear_user_pause(*state_);
    if (stored) pause_.reset();
  } else if (command == "backup-now") {
    // Persisted first: a request the service accepted is served even if it
    // is killed before its next tick.
    int64_t asked = std::max(now_ns, snapshot_asked_ + 1);
    stored = state_->set_value(kBackupNowKey, std::to_string(asked));
    if (stored) snapshot_asked_ = asked;
  } else if (command == "upload-now") {
    // In memory only: a restarted service drains the queue at once anyway.
    upload_asked_ = std::max(now_ns, upload_asked_ + 1);
  } else if (command != "status") {
    return {{"error", fmt::format("'{}' is not a service command (pause, resume, backup-now, upload-now, status)", command)}};
  }
  if (!stored) return {{"error", stored.error().message}};
  return state_json(command, was_paused, now_ns);
}

}  // namespace gb
