#include "core/ui/ui_server.h"

#include <httplib.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/ui/ui_files.h"

namespace gb {

namespace {

constexpr const char* kCookie = "gridbackup_token";
constexpr const char* kHeader = "X-GridBackup-Token";

// Compares in time that does not depend on where the strings first differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string cookie_token(const httplib::Request& req) {
  std::string cookies = req.get_header_value("Cookie");
  std::string_view rest = cookies;
  std::string want = std::string(kCookie) + "=";
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view one = rest.substr(0, end);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    if (one.substr(0, want.size()) == want) return std::string(one.substr(want.size()));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

const char* content_type_of(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

void set_safety_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

void forbid(httplib::Response& res, const std::string& why) {
  res.status = 403;
  res.set_content(nlohmann::json{{"error", why}}.dump() + "\n", "application/json");
}

void answer(const UiAnswer& a, httplib::Response& res) {
  res.status = a.status;
  if (!a.file) {
    res.set_content(a.body, a.content_type);
    return;
  }
  if (!a.download_name.empty()) {
    // RFC 6266: the name percent-encoded (any bytes), so no quote or newline reaches the header.
    std::string encoded;
    for (unsigned char c : a.download_name)
      encoded += std::isalnum(c) || c == '.' || c == '-' || c == '_' ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    res.set_header("Content-Disposition", "attachment; filename*=UTF-8''" + encoded);
  }
  auto file = a.file;
  res.set_content_provider(a.file_size, a.content_type, [file](size_t offset, size_t length, httplib::DataSink& sink) {
    std::vector<uint8_t> buf(std::min<size_t>(length, 1 << 20));
    ssize_t n = pread_fully(file->get(), buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n <= 0) return false;
    return sink.write(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
  });
}

UiRequest request_of(const httplib::Request& req) {
  UiRequest r;
  for (const auto& [k, v] : req.params) r.params[k] = v;
  r.body = req.body;
  return r;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // 127.0.0.0/8, written as four numbers.
  unsigned a, b, c, d;
  char tail;
  return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 && c < 256 && d < 256;
}

UiAnswer ui_error(int status, const std::string& message) {
  UiAnswer a;
  a.status = status;
  a.body = nlohmann::json{{"error", message}}.dump() + "\n";
  return a;
}

Status serve_ui(const UiServerOptions& options) {
  httplib::Server server;
  const std::string token = options.token;
  server.set_pre_routing_handler([token](const httplib::Request& req, httplib::Response& res) {
    set_safety_headers(res);
    std::string header = req.get_header_value(kHeader);
    if (req.method == "POST") {
      // Only the header: a cookie would be sent by a form of any site.
      if (same_secret(header, token)) return httplib::Server::HandlerResponse::Unhandled;
      forbid(res, "a POST needs the page's token in the X-GridBackup-Token header");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (same_secret(header, token) || same_secret(cookie_token(req), token)) return httplib::Server::HandlerResponse::Unhandled;
    if (req.has_param("token") && same_secret(req.get_param_value("token"), token)) {
      res.set_header("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", kCookie, token));
      return httplib::Server::HandlerResponse::Unhandled;
    }
    forbid(res, "this page needs its token: open the URL that `gridbackup ui` printed");
    return httplib::Server::HandlerResponse::Handled;
  });
  for (size_t i = 0; i < kUiFileCount; ++i) {
    const UiFile& f = kUiFiles[i];
    std::string path = std::string("/") + f.name;
    auto serve = [&f](const httplib::Request&, httplib::Response& res) {
      res.set_content(reinterpret_cast<const char*>(f.data), f.size, content_type_of(f.name));
    };
    server.Get(path, serve);
    if (std::string_view(f.name) == "index.html") server.Get("/", serve);
  }
  for (const auto& [path, route] : options.get)
    server.Get(path, [route](const httplib::Request& req, httplib::Response& res) { answer(route(request_of(req)), res); });
  for (const auto& [path, route] : options.post)
    server.Post(path, [route](const httplib::Request& req, httplib::Response& res) { answer(route(request_of(req)), res); });
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) return posix_error(fmt::format("cannot listen on {}", options.host), errno);
  } else if (!server.bind_to_port(options.host, port)) {
    return posix_error(fmt::format("cannot listen on {}:{}", options.host, port), errno);
  }
  if (options.listening) options.listening(port);
  if (!server.listen_after_bind()) return make_error(ErrorKind::Io, "the web page's server stopped");
  return {};
}

}  // namespace gb
