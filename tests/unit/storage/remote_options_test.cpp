#include <doctest/doctest.h>

#include "core/storage/s3_backend.h"
#include "core/storage/sftp_backend.h"
#include "core/storage/storage_url.h"
#include "core/storage/tahoe_backend.h"

using namespace gb;

namespace {

// What one backend made of the options every remote backend takes.
struct Read {
  int attempts;
  long stall, connect;
  uint64_t limit;
};

Result<Read> read_with(const std::string& base, const std::string& query) {
  GB_ASSIGN(StorageUrl url, parse_storage_url(base + query));
  if (url.scheme == "s3") {
    GB_ASSIGN(S3Config c, parse_s3_config(url));
    return Read{c.retry.attempts, c.http.stall_timeout_seconds, c.http.connect_timeout_seconds, c.http.max_upload_bytes_per_second};
  }
  if (url.scheme == "sftp") {
    GB_ASSIGN(SftpConfig c, parse_sftp_config(url));
    return Read{c.retry.attempts, c.stall_timeout_seconds, c.connect_timeout_seconds, c.max_upload_bytes_per_second};
  }
  GB_ASSIGN(TahoeConfig c, parse_tahoe_config(url));
  return Read{c.retry.attempts, c.http.stall_timeout_seconds, c.http.connect_timeout_seconds, c.http.max_upload_bytes_per_second};
}

}  // namespace

TEST_CASE("remote URL options: every remote backend reads retries, timeout and limit-upload alike") {
  for (std::string base : {"s3://127.0.0.1:9000/bucket/p", "sftp://me@127.0.0.1/srv/gb", "tahoe://127.0.0.1:3456/uri/URI:DIR2:aaaa:bbbb"}) {
    const char sep = '?';
    auto defaults = read_with(base, "");
    REQUIRE_MESSAGE(defaults, base);
    CHECK(defaults->attempts == 5);
    CHECK(defaults->stall == 60);
    CHECK(defaults->connect == 10);
    CHECK(defaults->limit == 0);
    auto given = read_with(base, std::string(1, sep) + "retries=0&timeout=5&limit-upload=10");
    REQUIRE_MESSAGE(given, base);
    CHECK(given->attempts == 1);
    CHECK(given->stall == 5);
    CHECK(given->connect == 5);
    CHECK(given->limit == 10 * 1024);
    for (const char* bad : {"retries=21", "retries=x", "retries=-1", "timeout=0", "timeout=3601", "limit-upload=1k", "retires=3"}) {
      auto r = read_with(base, std::string(1, sep) + bad);
      REQUIRE_MESSAGE(!r, base, " ", bad);
      CHECK_MESSAGE(r.error().kind == ErrorKind::InvalidArgument, base, " ", bad);
    }
  }
  // ca-file is for the HTTPS backends only.
  CHECK(read_with("s3://127.0.0.1:9000/bucket", "?ca-file=/etc/ssl/x.pem"));
  CHECK(read_with("tahoe://127.0.0.1:3456/uri/URI:DIR2:aaaa:bbbb", "?ca-file=/etc/ssl/x.pem"));
  CHECK_FALSE(read_with("sftp://me@127.0.0.1/srv/gb", "?ca-file=/etc/ssl/x.pem"));
}
