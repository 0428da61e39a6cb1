// The running service's control socket: a Unix stream socket in its state
// dir (STATEDIR/control.sock, mode 0600) that `gridbackup service
// pause|resume|backup-now|upload-now` and the web page talk to. The wire
// protocol is one JSON line each way (nlohmann-json): the client sends a
// request object ({"command": "pause", "for_seconds": 7200}), the service
// answers one object and closes; an answer with an "error" member is a
// refusal, its value one sentence (docs/JSON.md "service control" lists the
// answer's members).
//
// Only root and the user the service runs as may control it. The file mode
// keeps others from connecting, and the service also checks each peer's
// credentials (SO_PEERCRED; getpeereid where there is no SO_PEERCRED), so a
// socket whose mode was widened still refuses them, with one sentence.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "core/common/result.h"

namespace gb {

inline constexpr const char* kControlSocketName = "control.sock";

// STATEDIR/control.sock.
std::string control_socket_path(const std::string& state_dir);

// Who is on the other end of a connection.
struct ControlPeer {
  int64_t uid = -1;
  int64_t pid = 0;   // 0 where the system does not say
  std::string user;  // the uid's user name, or "uid N"
};

// The user name of `uid`, or "uid N" when the system knows none.
std::string user_name_of(int64_t uid);

// Answers one request of an allowed peer with one JSON object.
using ControlHandler = std::function<nlohmann::json(const nlohmann::json& request, const ControlPeer& peer)>;

class ControlServer {
 public:
  // Listens on control_socket_path(state_dir) and answers on a thread of its
  // own, one connection at a time (a client that says nothing for 5 s is
  // dropped). A socket left by a service that was killed is replaced; one
  // that a running service answers is not: that is an error ("another
  // service runs with this state dir"). `log` gets one line for each refusal.
  static Result<std::unique_ptr<ControlServer>> start(const std::string& state_dir, ControlHandler handler,
                                                      std::function<void(const std::string&)> log);
  ~ControlServer();  // stops answering and removes the socket
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

 private:
  ControlServer(int fd, std::string path, ControlHandler handler, std::function<void(const std::string&)> log);
  void serve();
  void answer(int client);

  int fd_;
  std::string path_;
  ControlHandler handler_;
  std::function<void(const std::string&)> log_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Sends `request` to the service running with `state_dir` and returns its
// answer. One sentence when no service runs there (NotFound), when this
// user may not control it (Cause::Permission: the socket's mode or the
// service's peer check), when the service refuses the request (its
// sentence), or when it does not answer within 10 s.
Result<nlohmann::json> control_request(const std::string& state_dir, const nlohmann::json& request);

}  // namespace gb
