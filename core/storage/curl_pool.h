// CurlPool: a small pool of libcurl easy handles shared by the threads of one
// backend. An easy handle keeps its connections (and TLS/SSH sessions) open
// between transfers, so taking a handle from the pool reuses a connection
// instead of opening one per object; the pool grows to the number of threads
// that use it at once.
#pragma once
#include <curl/curl.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

class CurlPool {
 public:
  // A handle on loan; it goes back to the pool when the lease ends.
  class Lease {
   public:
    Lease(CurlPool* pool, CURL* handle) : pool_(pool), handle_(handle) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->release(handle_); }
    CURL* get() const { return handle_; }

   private:
    CurlPool* pool_;
    CURL* handle_;
  };

  CurlPool();
  ~CurlPool();
  CurlPool(const CurlPool&) = delete;
  CurlPool& operator=(const CurlPool&) = delete;

  // A handle with all options reset (curl_easy_reset keeps live connections)
  // and CURLOPT_NOSIGNAL set, as threads require.
  Lease acquire();

 private:
  void release(CURL* handle);
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

// A request body that libcurl reads from memory; seekable, so libcurl can
// rewind it when it must send it again. Attaching sets CURLOPT_UPLOAD.
struct CurlUpload {
  ByteView data;
  size_t offset = 0;
  void attach(CURL* handle);
};

// Makes libcurl append what it receives to `sink`.
void collect_body(CURL* handle, Bytes* sink);

// What a failed transfer means for the caller: connection refused, reset,
// timed out and the like are Transient; a refused certificate or host key, a
// failed login or a malformed URL are Permanent.
ErrorKind curl_error_kind(CURLcode code);

// "connection refused (Couldn't connect to server: Failed to connect to ...)":
// curl's own text plus the detail from its error buffer, when there is one.
std::string curl_error_text(CURLcode code, const char* error_buffer);

}  // namespace gb
