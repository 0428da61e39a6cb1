// SigV4 against the values AWS publishes:
// - "Deriving the signing key" example (IAM, 20120215);
// - the SigV4 test suite's "get-vanilla" case;
// - the S3 examples "GET Object" (with Range), "GET Bucket Lifecycle" and
//   "Get Bucket (List Objects)" of "Signature Calculations for the
//   Authorization Header: Transferring Payload in a Single Chunk".
#include <doctest/doctest.h>

#include "core/common/bytes.h"
#include "core/storage/aws_sigv4.h"
#include "core/storage/s3_backend.h"

using namespace gb;

namespace {
const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const AwsCredentials kS3ExampleCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}  // namespace

TEST_CASE("sigv4: signing key of the published IAM example") {
  SigV4Scope scope{"20120215T000000Z", "us-east-1", "iam"};
  CHECK(to_hex(sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", scope)) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("sigv4: test suite get-vanilla") {
  SigV4Request request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, kEmptyHash};
  SigV4Scope scope{"20150830T123600Z", "us-east-1", "service"};
  std::string canonical = sigv4_canonical_request(request);
  CHECK(canonical ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sigv4_string_to_sign(scope, canonical) ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  CHECK(sigv4_authorization(request, scope, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""}) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("sigv4: S3 GET Object with a Range header") {
  SigV4Request request{
      "GET",
      "/test.txt",
      {},
      {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}, {"x-amz-content-sha256", kEmptyHash}, {"x-amz-date", "20130524T000000Z"}},
      kEmptyHash};
  SigV4Scope scope{"20130524T000000Z", "us-east-1", "s3"};
  CHECK(sigv4_string_to_sign(scope, sigv4_canonical_request(request)) ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(sigv4_authorization(request, scope, kS3ExampleCredentials) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: S3 GET Bucket Lifecycle (a valueless query parameter)") {
  SigV4Request request{"GET",
                       "/",
                       {{"lifecycle", ""}},
                       {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", "20130524T000000Z"}, {"x-amz-content-sha256", kEmptyHash}},
                       kEmptyHash};
  SigV4Scope scope{"20130524T000000Z", "us-east-1", "s3"};
  CHECK(sigv4_authorization(request, scope, kS3ExampleCredentials)
            .ends_with("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST_CASE("sigv4: S3 List Objects (query parameters sorted)") {
  // Given out of order: canonicalisation must sort them.
  SigV4Request request{"GET",
                       "/",
                       {{"prefix", "J"}, {"max-keys", "2"}},
                       {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", "20130524T000000Z"}, {"x-amz-content-sha256", kEmptyHash}},
                       kEmptyHash};
  SigV4Scope scope{"20130524T000000Z", "us-east-1", "s3"};
  CHECK(sigv4_canonical_query(request.query) == "max-keys=2&prefix=J");
  CHECK(sigv4_authorization(request, scope, kS3ExampleCredentials)
            .ends_with("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_CASE("sigv4: canonical query encodes like the servers do") {
  // Swift's s3api refused both "prefix=dir/" and unsorted parameters (403).
  CHECK(sigv4_canonical_query({{"prefix", "dir/"}, {"delimiter", "/"}, {"list-type", "2"}}) == "delimiter=%2F&list-type=2&prefix=dir%2F");
  CHECK(sigv4_canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(sigv4_canonical_query({{"continuation-token", "a+b/c=="}}) == "continuation-token=a%2Bb%2Fc%3D%3D");
  CHECK(sigv4_canonical_query({{"k", "sp ace~-._"}}) == "k=sp%20ace~-._");
}

TEST_CASE("sigv4: header values are trimmed and folded, names sorted in lower case") {
  SigV4Request request{"PUT", "/a", {}, {{"X-Amz-Meta-B", "  two   words "}, {"Host", "h"}}, "UNSIGNED-PAYLOAD"};
  CHECK(sigv4_canonical_request(request) == "PUT\n/a\n\nhost:h\nx-amz-meta-b:two words\n\nhost;x-amz-meta-b\nUNSIGNED-PAYLOAD");
}

TEST_CASE("s3 backend: signed requests carry the signed headers and an encoded URL") {
  auto url = parse_storage_url("s3://127.0.0.1:8080/bucket/pre?scheme=http");
  REQUIRE(url);
  auto config = parse_s3_config(*url);
  REQUIRE(config);
  S3Backend backend(url->text, *config, {"test:tester", "testing", ""});
  S3Backend::Call call{"GET", "pre/a b/c+d", {{"list-type", "2"}, {"prefix", "x/"}}, {{"Range", "bytes=0-1"}}, {}, false};
  HttpRequest r = backend.sign(call, kEmptyHash, "20240102T030405Z");
  CHECK(r.url == "http://127.0.0.1:8080/bucket/pre/a%20b/c%2Bd?list-type=2&prefix=x%2F");
  std::string auth;
  bool has_host = false;
  for (auto& [name, value] : r.headers) {
    if (name == "Authorization") auth = value;
    if (name == "Host") has_host = value == "127.0.0.1:8080";
  }
  CHECK(has_host);
  CHECK(
      auth.starts_with("AWS4-HMAC-SHA256 Credential=test:tester/20240102/us-east-1/s3/aws4_request, "
                       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature="));

  auto vurl = parse_storage_url("s3://localhost:8080/bucket?style=virtual&scheme=http");
  REQUIRE(vurl);
  S3Backend virtual_backend(vurl->text, *parse_s3_config(*vurl), {"k", "s", "token"});
  HttpRequest v = virtual_backend.sign({"PUT", "k", {}, {}, {}, false}, kEmptyHash, "20240102T030405Z");
  CHECK(v.url == "http://bucket.localhost:8080/k");
  bool has_token = false;
  for (auto& [name, value] : v.headers) has_token = has_token || (name == "x-amz-security-token" && value == "token");
  CHECK(has_token);
}
