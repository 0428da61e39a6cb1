#include "core/storage/http_client.h"

#include <fmt/format.h>
#include <strings.h>
#include <algorithm>
#include <cstring>

#include "core/common/number_text.h"

namespace gb {
namespace {

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * count;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t begin = line.find_first_not_of(" \t", colon + 1);
  size_t end = line.find_last_not_of(" \t\r\n");
  std::string value = begin == std::string::npos || end < begin ? "" : line.substr(begin, end - begin + 1);
  if (name == "content-length" && response->body.empty()) {
    // Reserve once for the whole body instead of growing it piece by piece.
    auto length = parse_uint(value, (1ull << 34) - 1);  // a hint only: a bad or huge one reserves nothing
    if (length && *length > 0) response->body.reserve(static_cast<size_t>(*length));
  }
  response->headers.emplace_back(std::move(name), std::move(value));
  return size * count;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "";
}

Result<HttpResponse> HttpClient::perform(const HttpRequest& request) {
  auto lease = pool_.acquire();
  CURL* h = lease.get();
  HttpResponse response;
  CurlUpload upload{request.body};
  char error_buffer[CURL_ERROR_SIZE] = "";

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);  // object names are not paths to tidy up
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.max_upload_bytes_per_second > 0)
    curl_easy_setopt(h, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(options_.max_upload_bytes_per_second));
  collect_body(h, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);

  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    upload.attach(h);
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.empty() ? "" : reinterpret_cast<const char*>(request.body.data()));
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is libcurl's way to send a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // libcurl would add a form content type to every POST; say nothing instead.
  bool has_type = std::any_of(request.headers.begin(), request.headers.end(),
                              [](const auto& header) { return strcasecmp(header.first.c_str(), "content-type") == 0; });
  if (request.method == "POST" && !has_type) headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // the buffer dies with this frame
  if (code != CURLE_OK)
    return make_error(curl_error_kind(code), fmt::format("{} {} failed: {}", request.method, request.label.empty() ? request.url : request.label,
                                                         curl_error_text(code, error_buffer)));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

ErrorKind http_status_kind(long status) {
  if (status == 404) return ErrorKind::NotFound;
  if (status == 408 || status == 429 || status >= 500) return ErrorKind::Transient;
  return ErrorKind::Permanent;
}

}  // namespace gb
