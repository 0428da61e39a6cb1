// The web page of `gridbackup ui`: an HTTP server (cpp-httplib) on one
// address that serves the page's files (web/, compiled into the binary) and
// the JSON routes the command hands it. It owns the page's safety:
//   - every request must carry the token: the query ?token= (the URL `ui`
//     prints; it sets an HttpOnly, SameSite=Strict cookie so the page's own
//     requests and downloads carry it), the cookie, or the header
//     X-GridBackup-Token; anything else is answered 403;
//   - a POST (what changes state) needs the header: a plain link or a form of
//     another site cannot send it, so no cross-site request changes anything;
//   - answers are not cached, not framed and send no referrer (the token is
//     in the first URL).
// What the routes answer is theirs: this layer never sees a repository.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/common/result.h"
#include "core/fs/unique_fd.h"

namespace gb {

struct UiRequest {
  std::map<std::string, std::string> params;  // query (and form) parameters
  std::string body;
};

struct UiAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // A download: the content of `file` (its first `file_size` bytes) instead
  // of `body`, offered as `download_name`.
  std::shared_ptr<UniqueFd> file;
  uint64_t file_size = 0;
  std::string download_name;
};

using UiRoute = std::function<UiAnswer(const UiRequest&)>;

struct UiServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  std::string token;
  std::map<std::string, UiRoute> get, post;  // by path ("/api/snapshots")
  // Called once the socket listens, with its port.
  std::function<void(int port)> listening;
};

// Serves until the process ends; an error when the address cannot be bound.
Status serve_ui(const UiServerOptions& options);

// True for an address that only this machine reaches (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

// An answer of {"error": message} with `status`.
UiAnswer ui_error(int status, const std::string& message);

}  // namespace gb
