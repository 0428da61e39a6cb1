// s3:// — a repository in a bucket of an S3-compatible object store (AWS,
// Backblaze B2, Wasabi, Ceph RGW, MinIO, Garage, OpenStack Swift's s3api).
//
//   s3://HOST[:PORT]/BUCKET[/PREFIX][?OPTION=VALUE&...]
//
//   s3://s3.eu-west-1.amazonaws.com/my-backups/laptop
//   s3://127.0.0.1:8080/gridbackup?scheme=http         (Swift all-in-one)
//
// Objects are stored under the key PREFIX/NAME (NAME alone without a prefix).
// Options:
//   region=NAME         SigV4 region; default: taken from an AWS host name
//                       (s3.REGION.amazonaws.com), else us-east-1
//   style=path|virtual|auto  path: http://HOST/BUCKET/KEY; virtual:
//                       http://BUCKET.HOST/KEY; auto (default): virtual for
//                       *.amazonaws.com when the bucket has no '.', else path
//   scheme=https|http   default https
//   profile=NAME        profile of the shared credentials file to use
//   multipart-threshold=MiB  objects of this size or more are sent as a
//                       multipart upload (default 64)
//   part-size=MiB       size of each part but the last (default 16, at
//                       least 5; grown so no object needs more than 1000 parts)
//   max-keys=N          objects per listing page (default: the server's, 1000)
//   retries=N           retries of a request that failed transiently (default 4)
//   timeout=SECONDS     abandon a transfer that moves nothing for this long (60)
//   limit-upload=KiB    upload rate limit per transfer, in KiB/s (default none)
//   ca-file=PATH        trust the certificate authorities in PATH too
// Credentials are never part of the URL; see aws_credentials.h.
#pragma once
#include <memory>
#include <string>

#include "core/storage/aws_sigv4.h"
#include "core/storage/backend.h"
#include "core/storage/http_client.h"
#include "core/storage/retry_policy.h"
#include "core/storage/storage_url.h"

namespace gb {

struct S3Config {
  std::string endpoint;  // "host" or "host:port", as in the URL
  bool https = true;
  std::string bucket;
  std::string prefix;  // "" or "some/prefix/"
  std::string region = "us-east-1";
  bool virtual_host = false;
  std::string profile;
  uint64_t multipart_threshold = 64ull << 20;
  uint64_t part_size = 16ull << 20;
  uint64_t max_keys = 0;  // 0: the server's page size
  RetryPolicy retry;
  HttpOptions http;
};

// Checks an s3:// URL and fills in the defaults.
Result<S3Config> parse_s3_config(const StorageUrl& url);

class S3Backend final : public Backend {
 public:
  // Parses the URL and loads the credentials; contacts nobody.
  static Result<std::unique_ptr<Backend>> open(const StorageUrl& url);
  S3Backend(std::string url, S3Config config, AwsCredentials credentials);

  std::string url() const override { return url_; }
  Status create() override;
  Result<bool> exists() override;
  // Atomic: a single PUT, or a multipart upload that only becomes visible
  // when it is completed (and is aborted if it fails).
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override;
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override;
  Status remove(const std::string& name) override;

  // One S3 request: on the bucket when key is empty, else on an object.
  struct Call {
    std::string method;
    std::string key;  // full key, prefix included
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;  // besides the SigV4 ones
    ByteView body;
    bool error_in_body = false;  // a 200 may carry an <Error> (CompleteMultipartUpload)
  };
  // The signed HTTP request for a call (exposed for tests).
  HttpRequest sign(const Call& call, const std::string& payload_hash, const std::string& amz_date) const;

 private:
  // Sends a call, retrying transient failures. A 2xx answer, or one whose
  // status is in `accepted`, is returned; any other is an error.
  Result<HttpResponse> send(const Call& call, std::initializer_list<long> accepted = {});
  Error failure(const Call& call, const HttpResponse& response) const;
  std::string describe(const Call& call) const;
  Status put_multipart(const std::string& key, ByteView data);

  std::string url_;
  S3Config config_;
  AwsCredentials credentials_;
  HttpClient http_;
};

}  // namespace gb
