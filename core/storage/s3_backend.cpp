#include "core/storage/s3_backend.h"

#include "core/storage/remote_options.h"

#include <fmt/format.h>
#include <algorithm>

#include "core/common/number_text.h"
#include "core/crypto/sha256.h"
#include "core/storage/aws_credentials.h"
#include "core/storage/object_range.h"
#include "core/storage/s3_messages.h"

namespace gb {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kMinPartSize = 5 * kMiB;  // S3's minimum for all parts but the last
constexpr uint64_t kMaxParts = 1000;         // Swift's limit; AWS allows 10000

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    size_t next = s.find(sep, pos);
    out.push_back(s.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) return out;
    pos = next + 1;
  }
}

// s3.eu-west-1.amazonaws.com, s3.dualstack.eu-west-1.amazonaws.com and the
// older s3-eu-west-1.amazonaws.com name their region; s3.amazonaws.com is
// us-east-1.
std::string region_of_aws_host(const std::string& host) {
  if (!ends_with(host, ".amazonaws.com")) return "";
  auto labels = split(host, '.');
  if (labels[0].rfind("s3-", 0) == 0) return labels[0].substr(3);
  if (labels[0] == "s3" && labels.size() >= 4) return labels[1] == "dualstack" ? labels[2] : labels[1];
  return "";
}

// S3 bucket names: 3-63 characters of a-z, 0-9, '.', '-'.
bool valid_bucket(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return false;
  return std::all_of(b.begin(), b.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
}

Error invalid(const StorageUrl& url, const std::string& why) {
  return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable s3:// URL: {}", url.text, why));
}

std::string hex_sha256(ByteView data) { return to_hex(sha256(data)); }

}  // namespace

Result<S3Config> parse_s3_config(const StorageUrl& url) {
  std::vector<std::string_view> known = {"region", "style", "scheme", "profile", "multipart-threshold", "part-size", "max-keys"};
  for (auto name : remote_option_names(/*with_ca_file=*/true)) known.push_back(name);
  GB_CHECK(url.check_params(known));
  if (!url.user.empty() || url.password)
    return invalid(url,
                   "credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                   "or use ~/.aws/credentials");
  S3Config c;
  c.endpoint = url.authority();
  std::string path = url.path;
  while (!path.empty() && path[0] == '/') path.erase(0, 1);
  size_t slash = path.find('/');
  c.bucket = path.substr(0, slash);
  if (c.bucket.empty()) return invalid(url, "it names no bucket (s3://HOST/BUCKET)");
  if (!valid_bucket(c.bucket)) return invalid(url, fmt::format("'{}' is not a bucket name (3 to 63 characters: a-z, 0-9, '.', '-')", c.bucket));
  if (slash != std::string::npos) {
    c.prefix = path.substr(slash + 1);
    while (!c.prefix.empty() && c.prefix.back() == '/') c.prefix.pop_back();
    if (!c.prefix.empty()) c.prefix += '/';
  }

  std::string scheme = url.param("scheme", "https");
  if (scheme != "https" && scheme != "http") return invalid(url, "scheme must be https or http");
  c.https = scheme == "https";
  std::string aws_region = region_of_aws_host(url.host);
  c.region = url.param("region", aws_region.empty() ? "us-east-1" : aws_region);
  std::string style = url.param("style", "auto");
  if (style == "auto")
    c.virtual_host = ends_with(url.host, ".amazonaws.com") && c.bucket.find('.') == std::string::npos;
  else if (style == "virtual" || style == "path")
    c.virtual_host = style == "virtual";
  else
    return invalid(url, "style must be path, virtual or auto");
  c.profile = url.param("profile");

  GB_ASSIGN(uint64_t threshold, url.number_param("multipart-threshold", c.multipart_threshold / kMiB));
  GB_ASSIGN(uint64_t part, url.number_param("part-size", c.part_size / kMiB));
  if (part * kMiB < kMinPartSize) return invalid(url, "part-size must be at least 5 (MiB), the S3 minimum");
  if (threshold == 0) return invalid(url, "multipart-threshold must be at least 1 (MiB)");
  c.multipart_threshold = threshold * kMiB;
  c.part_size = part * kMiB;
  GB_ASSIGN(c.max_keys, url.number_param("max-keys", 0));
  if (c.max_keys > 1000) return invalid(url, "max-keys must be at most 1000");
  GB_ASSIGN(RemoteOptions remote, read_remote_options(url, [&](const std::string& why) { return invalid(url, why); }));
  c.retry = remote.retry;
  c.http = remote.http;
  return c;
}

Result<std::unique_ptr<Backend>> S3Backend::open(const StorageUrl& url) {
  GB_ASSIGN(S3Config config, parse_s3_config(url));
  GB_ASSIGN(AwsCredentials credentials, load_aws_credentials(config.profile));
  return std::unique_ptr<Backend>(new S3Backend(url.text, std::move(config), std::move(credentials)));
}

S3Backend::S3Backend(std::string url, S3Config config, AwsCredentials credentials)
    : url_(std::move(url)), config_(std::move(config)), credentials_(std::move(credentials)), http_(config_.http) {}

HttpRequest S3Backend::sign(const Call& call, const std::string& payload_hash, const std::string& amz_date) const {
  std::string host = config_.virtual_host ? config_.bucket + "." + config_.endpoint : config_.endpoint;
  std::string path = config_.virtual_host ? "/" : "/" + config_.bucket;
  if (!call.key.empty()) {
    if (!config_.virtual_host) path += '/';
    path += percent_encode(call.key, true);
  }

  SigV4Request sig{call.method, path, call.query, {}, payload_hash};
  // Every header sent is signed, the Host header included, so what the
  // server checks is exactly what libcurl sends.
  sig.headers = {{"Host", host}, {"x-amz-date", amz_date}, {"x-amz-content-sha256", payload_hash}};
  if (!credentials_.session_token.empty()) sig.headers.emplace_back("x-amz-security-token", credentials_.session_token);
  sig.headers.insert(sig.headers.end(), call.headers.begin(), call.headers.end());

  HttpRequest request;
  request.method = call.method;
  std::string query = sigv4_canonical_query(call.query);
  request.url = fmt::format("{}://{}{}{}{}", config_.https ? "https" : "http", host, path, query.empty() ? "" : "?", query);
  request.headers = sig.headers;
  request.headers.emplace_back("Authorization", sigv4_authorization(sig, SigV4Scope{amz_date, config_.region, "s3"}, credentials_));
  request.body = call.body;
  request.label = describe(call);
  return request;
}

std::string S3Backend::describe(const Call& call) const {
  std::string where = fmt::format("{}://{}/{}", config_.https ? "https" : "http", config_.endpoint, config_.bucket);
  return call.key.empty() ? fmt::format("bucket {}", where) : fmt::format("{}/{}", where, call.key);
}

Error S3Backend::failure(const Call& call, const HttpResponse& response) const {
  auto body = parse_s3_error(to_string(response.body));
  std::string code = body ? body->code : "";
  ErrorKind kind = http_status_kind(response.status);
  // AWS answers 400 RequestTimeout when an upload stalled, and a completed
  // multipart upload may still fail with 200 + InternalError: both are worth a retry.
  if (code == "RequestTimeout" || code == "InternalError" || code == "SlowDown" || code == "ServiceUnavailable") kind = ErrorKind::Transient;
  std::string what = fmt::format("S3 {} {} failed: HTTP {}", call.method, describe(call), response.status);
  if (body) {
    if (!body->code.empty()) what += " " + body->code;
    if (!body->message.empty()) what += ": " + body->message;
  }
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" || code == "AccessDenied")
    what += " (check the credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile in ~/.aws/credentials)";
  else if (code == "RequestTimeTooSkewed")
    what += " (this computer's clock is wrong)";
  else if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed")
    what += " (the bucket is in another region: add region=... to the URL, or use that region's endpoint)";
  else if (response.status == 503)
    what += " (the server is overloaded or too few of its storage nodes answer)";
  else if (code == "NoSuchBucket")
    what += " (the bucket does not exist; create the repository first)";
  return make_error(kind, what);
}

Result<HttpResponse> S3Backend::send(const Call& call, std::initializer_list<long> accepted) {
  std::string payload_hash = hex_sha256(call.body);
  return config_.retry.run([&]() -> Result<HttpResponse> {
    GB_ASSIGN(HttpResponse response, http_.perform(sign(call, payload_hash, sigv4_now())));
    bool success = response.status >= 200 && response.status < 300;
    if (success && call.error_in_body && parse_s3_error(to_string(response.body))) return failure(call, response);
    if (success || std::find(accepted.begin(), accepted.end(), response.status) != accepted.end()) return response;
    return failure(call, response);
  });
}

Status S3Backend::create() {
  Call call{"PUT", "", {}, {}, {}, false};
  std::string body;
  if (config_.region != "us-east-1") {
    body = fmt::format(
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
        config_.region);
    call.body = as_bytes(body);
  }
  GB_ASSIGN(HttpResponse response, send(call, {403, 409}));
  if (response.status < 300) return {};
  auto error = parse_s3_error(to_string(response.body));
  if (response.status == 409 && error && error->code == "BucketAlreadyOwnedByYou") return {};
  if (response.status == 403) {
    // Allowed to use the bucket but not to create buckets: fine if it is there.
    auto there = exists();
    if (there && *there) return {};
  }
  Error e = failure(call, response);
  if (error && error->code == "BucketAlreadyExists") e.message += " (the bucket name is taken by another account; choose another)";
  return e;
}

Result<bool> S3Backend::exists() {
  GB_ASSIGN(HttpResponse response, send({"HEAD", "", {}, {}, {}, false}, {404}));
  return response.status != 404;
}

Status S3Backend::put(const std::string& name, ByteView data) {
  std::string key = config_.prefix + name;
  if (data.size() >= config_.multipart_threshold) return put_multipart(key, data);
  GB_CHECK(send({"PUT", key, {}, {}, data, false}));
  return {};
}

Status S3Backend::put_multipart(const std::string& key, ByteView data) {
  uint64_t part_size = std::max({config_.part_size, kMinPartSize, (data.size() + kMaxParts - 1) / kMaxParts});
  GB_ASSIGN(HttpResponse started, send({"POST", key, {{"uploads", ""}}, {}, {}, false}));
  GB_ASSIGN(std::string upload_id, parse_s3_upload_id(to_string(started.body)));

  auto uploaded = [&]() -> Status {
    std::vector<std::string> etags;
    for (uint64_t offset = 0; offset < data.size(); offset += part_size) {
      ByteView part = data.subspan(offset, std::min<uint64_t>(part_size, data.size() - offset));
      std::string number = std::to_string(etags.size() + 1);
      GB_ASSIGN(HttpResponse response, send({"PUT", key, {{"partNumber", number}, {"uploadId", upload_id}}, {}, part, false}));
      std::string etag = response.header("etag");
      if (etag.empty()) return make_error(ErrorKind::Permanent, fmt::format("the S3 server sent no ETag for part {} of {}", number, key));
      etags.push_back(etag);
    }
    std::string body = s3_complete_multipart_body(etags);
    GB_CHECK(send({"POST", key, {{"uploadId", upload_id}}, {{"Content-Type", "application/xml"}}, as_bytes(body), true}));
    return {};
  }();
  if (!uploaded) {
    // Without the abort the parts would stay stored (and billed) invisibly.
    (void)send({"DELETE", key, {{"uploadId", upload_id}}, {}, {}, false}, {404});
  }
  return uploaded;
}

Result<Bytes> S3Backend::get(const std::string& name) {
  GB_ASSIGN(HttpResponse response, send({"GET", config_.prefix + name, {}, {}, {}, false}));
  return std::move(response.body);
}

Result<Bytes> S3Backend::get_range(const std::string& name, uint64_t offset, uint64_t length) {
  if (length == 0) return empty_range(*this, name, offset);
  Call call{"GET", config_.prefix + name, {}, {{"Range", http_range(offset, length)}}, {}, false};
  GB_ASSIGN(HttpResponse response, send(call, {416}));
  return http_range_body(response.status, std::move(response.body), name, offset, length);
}

Result<std::vector<ObjectInfo>> S3Backend::list(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string full = config_.prefix + prefix;
  std::string token;
  for (;;) {
    Call call{"GET", "", {{"list-type", "2"}, {"prefix", full}}, {}, {}, false};
    if (config_.max_keys) call.query.emplace_back("max-keys", std::to_string(config_.max_keys));
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    GB_ASSIGN(HttpResponse response, send(call));
    GB_ASSIGN(S3ListPage page, parse_s3_list_page(to_string(response.body)));
    for (auto& object : page.objects) {
      if (object.name.compare(0, config_.prefix.size(), config_.prefix) != 0) continue;
      out.push_back({object.name.substr(config_.prefix.size()), object.size});
    }
    if (!page.truncated) return out;
    if (page.next_continuation_token == token) return make_error(ErrorKind::Corrupt, "the S3 server repeated a listing continuation token");
    token = page.next_continuation_token;
  }
}

Result<ObjectInfo> S3Backend::stat(const std::string& name) {
  GB_ASSIGN(HttpResponse response, send({"HEAD", config_.prefix + name, {}, {}, {}, false}));
  std::string length = response.header("content-length");
  auto size = parse_uint(length);
  if (!size) return make_error(ErrorKind::Corrupt, fmt::format("the S3 server sent no usable size for {}", name));
  return ObjectInfo{name, *size};
}

Status S3Backend::remove(const std::string& name) {
  Call call{"DELETE", config_.prefix + name, {}, {}, {}, false};
  GB_ASSIGN(HttpResponse response, send(call, {404}));
  if (response.status == 404) {
    auto error = parse_s3_error(to_string(response.body));
    if (error && error->code == "NoSuchBucket") return failure(call, response);
  }
  return {};
}

}  // namespace gb
