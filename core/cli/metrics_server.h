// `service run --metrics-listen HOST:PORT`: GET /metrics answers the
// service's latest metrics text (core/service/service_metrics.h), for a
// Prometheus server to scrape, on a thread of its own (cpp-httplib).
// Loopback only: the metrics say when this machine was last backed up and
// how much waits, which is nobody else's business, and there is no token.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/result.h"

namespace httplib {
class Server;
}

namespace gb {

class MetricsServer {
 public:
  // Binds HOST:PORT (health_settings has refused one other machines reach)
  // and serves from then on; fails with one sentence when it cannot.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address);
  ~MetricsServer();
  void publish(std::string text);
  int port() const { return port_; }

 private:
  MetricsServer();
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::string text_;
  int port_ = 0;
};

}  // namespace gb
