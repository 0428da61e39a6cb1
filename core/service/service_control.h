// What the control socket's commands ask of the service, between the
// socket's thread (answer) and the service's loop (the other calls), kept in
// the service's schedule (service.db) through a connection of its own, so a
// kill -9 keeps it:
//
//   pause [for_seconds]  uploads and upkeep (forget, prune, verify: what uses
//                        the network) wait until resume or the time is up;
//                        snapshots go on (cheap, local), their content queued;
//                        a running upload stops before its next file.
//   resume               ends the user's pause (not one for battery or the
//                        upload-limit schedule: those end by themselves).
//   backup-now           a snapshot at the loop's next tick, even before the
//                        interval and with nothing in the journal: a person
//                        asked. Kept until a snapshot has started after it.
//   upload-now           an upload at the next tick instead of after the
//                        retry interval. A pause (the user's, battery, the
//                        schedule) still wins: the upload starts when it ends.
//   status               changes nothing; the same answer.
//
// Every answer is the same object (docs/JSON.md "service control"): the
// command, whether the user had paused the service before it, the user's
// pause after it, why else uploads wait, and the requests not yet taken up.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/common/result.h"
#include "core/service/control_socket.h"
#include "core/service/service_state.h"
#include "core/service/user_pause.h"

namespace gb {

class ServiceControl {
 public:
  // Opens `service_db` (the service's schedule) and loads what it keeps: a
  // pause, a backup-now not yet served.
  static Result<std::unique_ptr<ServiceControl>> open(const std::string& service_db);

  // The loop's side.
  std::optional<UserPause> user_pause(int64_t now_ns);
  // The time of the last backup-now not yet served (0: none); the loop
  // passes it back once a snapshot has run, and a request that came while
  // that snapshot ran stays.
  int64_t snapshot_asked();
  Status snapshot_served(int64_t asked);
  int64_t upload_asked();
  void upload_served(int64_t asked);
  // Why uploads wait besides the user's pause ("" when nothing else holds them).
  void set_other_pause(const std::string& why);

  // The socket's side: one request of an allowed peer.
  nlohmann::json answer(const nlohmann::json& request, const ControlPeer& peer, int64_t now_ns);

 private:
  ServiceControl(std::unique_ptr<ServiceState> state, std::optional<UserPause> pause, int64_t snapshot_asked)
      : state_(std::move(state)), pause_(std::move(pause)), snapshot_asked_(snapshot_asked) {}
  nlohmann::json state_json(const std::string& command, bool was_paused, int64_t now_ns);  // under mutex_

  std::mutex mutex_;
  std::unique_ptr<ServiceState> state_;
  std::optional<UserPause> pause_;
  int64_t snapshot_asked_ = 0, upload_asked_ = 0;
  std::string other_pause_;
};

}  // namespace gb
