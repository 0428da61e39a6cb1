// The URL options every remote backend takes (docs/STORAGE.md, "Options of
// every remote backend"), read in one place so that s3://, sftp:// and
// tahoe:// accept the same forms, ranges and defaults:
//   retries=N          retries after a transient failure, 0 to 20 (default 4)
//   timeout=SECONDS    a transfer that moves no byte for this long fails,
//                      1 to 3600 (default 60); connecting waits at most 10 s of it
//   limit-upload=KiB   upload rate limit of each transfer, KiB/s (default none)
//   ca-file=PATH       extra trust anchors (the HTTPS backends only)
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"
#include "core/storage/http_client.h"
#include "core/storage/retry_policy.h"
#include "core/storage/storage_url.h"

namespace gb {

struct RemoteOptions {
  RetryPolicy retry;
  HttpOptions http;  // the SFTP backend takes its timeouts and rate limit from here too
};

// The names above, for StorageUrl::check_params; `with_ca_file` for the HTTPS backends.
std::vector<std::string_view> remote_option_names(bool with_ca_file);

// Reads them from `url`. A value out of range is refused through `invalid`
// (the backend's own sentence about its URL); one that is not a number, by
// StorageUrl::number_param.
Result<RemoteOptions> read_remote_options(const StorageUrl& url, const std::function<Error(const std::string& why)>& invalid);

}  // namespace gb
