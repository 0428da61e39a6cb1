// The always-on service's side of systemd's notify protocol (sd_notify(3),
// libsystemd): READY=1 once the service runs, STATUS= one line, WATCHDOG=1
// pings and STOPPING=1 at exit. All of it is a no-op unless systemd (or a
// test) set NOTIFY_SOCKET; the watchdog only when WATCHDOG_USEC is set for
// this process. Type=notify units (gridbackup service install) rely on it.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>

namespace gb {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (WATCHDOG_PID, when set, must be
  // this process) from the environment.
  SystemdNotifier();
  // NOTIFY_SOCKET is set: there is someone to tell.
  bool active() const { return active_; }
  // The watchdog interval systemd expects pings within; 0 when none.
  uint64_t watchdog_usec() const { return watchdog_usec_; }
  void ready(const std::string& status);
  // Sends STATUS= only when `line` differs from the last one sent.
  void status(const std::string& line);
  void watchdog();
  void stopping();

 private:
  void send(const std::string& message);
  bool active_ = false;
  uint64_t watchdog_usec_ = 0;
  std::mutex mutex_;
  std::string last_status_;
};

// The variables of the notify protocol: a child process must not inherit
// them (it would speak to systemd as if it were the service).
inline constexpr const char* kNotifyEnvironment[] = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"};

}  // namespace gb
