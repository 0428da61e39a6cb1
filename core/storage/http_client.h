// HttpClient: one HTTP request at a time per calling thread, over pooled
// libcurl handles (so connections are reused), safe to share between threads.
// It reports transport failures as errors and leaves the meaning of status
// codes to the backend that asked.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/storage/curl_pool.h"

namespace gb {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST or DELETE
  std::string url;             // sent as is: already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  ByteView body;      // sent with PUT and POST
  std::string label;  // names the request in messages instead of the
                      // URL, which may hold a secret (a Tahoe cap)
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  Bytes body;
  // The value of a header (name in lower case), or "" when absent.
  std::string header(const std::string& name) const;
};

struct HttpOptions {
  long connect_timeout_seconds = 10;
  // A transfer that moves no byte for this long is abandoned (Transient).
  // There is no overall time limit: a large upload over a slow link is fine.
  long stall_timeout_seconds = 60;
  uint64_t max_upload_bytes_per_second = 0;  // per transfer; 0 = unlimited
  std::string ca_file;                       // extra trust anchors; "" = system store
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options) : options_(std::move(options)) {}
  // Any status is a success here; a failure means no complete response
  // arrived (refused, reset, timed out), and is Transient unless retrying
  // cannot help (bad certificate, malformed URL).
  Result<HttpResponse> perform(const HttpRequest& request);

 private:
  HttpOptions options_;
  CurlPool pool_;
};

// What an HTTP status means when it is not a success: 404 NotFound; 408,
// 429 and 5xx Transient; everything else Permanent.
ErrorKind http_status_kind(long status);

}  // namespace gb
