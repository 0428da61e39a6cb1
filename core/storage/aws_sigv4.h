// AWS Signature Version 4 (the "Authorization: AWS4-HMAC-SHA256 ..." header),
// computed here with OpenSSL rather than by libcurl: curl 7.88's
// CURLOPT_AWS_SIGV4 neither sends x-amz-content-sha256 (which S3 servers
// require) nor canonicalises the query string. Every step is a separate
// function so the published AWS test vectors can check each one.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/common/bytes.h"

namespace gb {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // only for temporary credentials
};

struct SigV4Request {
  std::string method;
  std::string canonical_uri;                                 // the path exactly as sent, already percent-encoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // all of them are signed
  std::string payload_hash;                                  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigV4Scope {
  std::string amz_date;  // "20150830T123600Z", also sent as x-amz-date
  std::string region;    // "us-east-1"
  std::string service;   // "s3"
  std::string date() const { return amz_date.substr(0, 8); }
  std::string credential_scope() const;  // "20150830/us-east-1/s3/aws4_request"
};

// The query string both signed and sent: names and values percent-encoded
// (RFC 3986, '/' too), sorted, a valueless parameter written "name=".
std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string sigv4_canonical_request(const SigV4Request& request);
// "host;range;x-amz-date": lower-case names, sorted.
std::string sigv4_signed_headers(const SigV4Request& request);
std::string sigv4_string_to_sign(const SigV4Scope& scope, const std::string& canonical_request);
Hash sigv4_signing_key(const std::string& secret_access_key, const SigV4Scope& scope);
std::string sigv4_authorization(const SigV4Request& request, const SigV4Scope& scope, const AwsCredentials& credentials);

// The current time as an x-amz-date value.
std::string sigv4_now();

}  // namespace gb
