#include "core/cli/metrics_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cerrno>

#include "core/cli/listen_address.h"
#include "core/common/posix_error.h"

namespace gb {

MetricsServer::MetricsServer() : server_(std::make_unique<httplib::Server>()) {}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address) {
  GB_ASSIGN(auto host_port, listen_address(address, "metrics-listen"));
  const auto& [host, port] = host_port;
  std::unique_ptr<MetricsServer> m(new MetricsServer());
  MetricsServer* self = m.get();
  // The exposition format's content type (Prometheus text format 0.0.4).
  m->server_->Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> hold(self->mutex_);
    res.set_content(self->text_, "text/plain; version=0.0.4; charset=utf-8");
  });
  m->port_ = port == 0 ? m->server_->bind_to_any_port(host) : (m->server_->bind_to_port(host, port) ? port : -1);
  if (m->port_ < 0) return posix_error(fmt::format("--metrics-listen {}: cannot listen there", address), errno);
  m->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  return m;
}

void MetricsServer::publish(std::string text) {
  std::lock_guard<std::mutex> hold(mutex_);
  text_ = std::move(text);
}

}  // namespace gb
