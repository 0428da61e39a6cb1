#include "core/storage/remote_options.h"

#include <algorithm>

namespace gb {

std::vector<std::string_view> remote_option_names(bool with_ca_file) {
  std::vector<std::string_view> names = {"retries", "timeout", "limit-upload"};
  if (with_ca_file) names.push_back("ca-file");
  return names;
}

Result<RemoteOptions> read_remote_options(const StorageUrl& url, const std::function<Error(const std::string& why)>& invalid) {
  RemoteOptions o;
  GB_ASSIGN(uint64_t retries, url.number_param("retries", 4));
  if (retries > 20) return invalid("retries must be at most 20");
  o.retry.attempts = static_cast<int>(retries) + 1;
  GB_ASSIGN(uint64_t timeout, url.number_param("timeout", 60));
  if (timeout == 0 || timeout > 3600) return invalid("timeout must be from 1 to 3600 seconds");
  o.http.stall_timeout_seconds = static_cast<long>(timeout);
  o.http.connect_timeout_seconds = std::min<long>(10, static_cast<long>(timeout));
  GB_ASSIGN(uint64_t limit_kib, url.number_param("limit-upload", 0));
  o.http.max_upload_bytes_per_second = limit_kib * 1024;
  o.http.ca_file = url.param("ca-file");
  return o;
}

}  // namespace gb
