#include "core/storage/curl_pool.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace gb {
namespace {

// curl_global_init is not thread-safe in curl 7.88; do it once, first.
void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) std::abort();  // only fails without memory
  });
}

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* src = static_cast<CurlUpload*>(user);
  size_t n = std::min(size * count, src->data.size() - src->offset);
  std::memcpy(buffer, src->data.data() + src->offset, n);
  src->offset += n;
  return n;
}

int seek_upload(void* user, curl_off_t offset, int origin) {
  auto* src = static_cast<CurlUpload*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<uint64_t>(offset) > src->data.size()) return CURL_SEEKFUNC_FAIL;
  src->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Bytes*>(user);
  sink->insert(sink->end(), data, data + size * count);
  return size * count;
}

}  // namespace

void CurlUpload::attach(CURL* h) {
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, this);
  curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_upload);
  curl_easy_setopt(h, CURLOPT_SEEKDATA, this);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
}

void collect_body(CURL* h, Bytes* sink) {
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
}

CurlPool::CurlPool() { global_init_once(); }

CurlPool::~CurlPool() {
  for (CURL* h : idle_) curl_easy_cleanup(h);
}

CurlPool::Lease CurlPool::acquire() {
  CURL* handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      handle = idle_.back();
      idle_.pop_back();
    }
  }
  if (handle) {
    curl_easy_reset(handle);
  } else {
    handle = curl_easy_init();
    if (!handle) std::abort();  // only fails without memory
  }
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  return Lease(this, handle);
}

void CurlPool::release(CURL* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(handle);
}

ErrorKind curl_error_kind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:  // DNS outages pass; a typo is caught by the retries running out
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_AGAIN:
    case CURLE_SSH:  // libssh2 reports dropped sessions this way
      return ErrorKind::Transient;
    case CURLE_REMOTE_FILE_NOT_FOUND:
      return ErrorKind::NotFound;
    default:
      return ErrorKind::Permanent;
  }
}

std::string curl_error_text(CURLcode code, const char* error_buffer) {
  std::string text = curl_easy_strerror(code);
  std::string detail = error_buffer ? error_buffer : "";
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  if (detail.empty()) return text;
  // curl's detail usually repeats the summary ("Failed to connect to h port
  // 1 after 0 ms: Couldn't connect to server"); then the detail alone says it all.
  return detail.find(text) != std::string::npos ? detail : text + " (" + detail + ")";
}

}  // namespace gb
