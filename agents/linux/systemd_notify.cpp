#include "agents/linux/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace gb {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket && *socket;
  uint64_t usec = 0;
  // > 0 exactly when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is us).
  if (active_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_usec_ = usec;
}

void SystemdNotifier::send(const std::string& message) {
  if (active_) (void)sd_notify(0, message.c_str());
}

void SystemdNotifier::ready(const std::string& status) {
  std::lock_guard<std::mutex> hold(mutex_);
  last_status_ = status;
  send("READY=1\nSTATUS=" + status);
}

void SystemdNotifier::status(const std::string& line) {
  std::lock_guard<std::mutex> hold(mutex_);
  if (line == last_status_) return;
  last_status_ = line;
  send("STATUS=" + line);
}

void SystemdNotifier::watchdog() {
  if (watchdog_usec_) send("WATCHDOG=1");
}

void SystemdNotifier::stopping() {
  std::lock_guard<std::mutex> hold(mutex_);
  send("STOPPING=1\nSTATUS=stopping");
}

}  // namespace gb
