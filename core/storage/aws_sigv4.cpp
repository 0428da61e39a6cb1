#include "core/storage/aws_sigv4.h"

#include <fmt/format.h>
#include <algorithm>
#include <ctime>

#include "core/crypto/keys.h"
#include "core/crypto/sha256.h"
#include "core/storage/storage_url.h"

namespace gb {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Header values are signed trimmed, with runs of spaces folded into one.
std::string canonical_value(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Sorted lower-case names, each with its value(s) joined by commas.
std::vector<std::pair<std::string, std::string>> canonical_headers(const SigV4Request& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) headers.emplace_back(lower(name), canonical_value(value));
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> merged;
  for (auto& h : headers) {
    if (!merged.empty() && merged.back().first == h.first)
      merged.back().second += "," + h.second;
    else
      merged.push_back(std::move(h));
  }
  return merged;
}

std::string hex_sha256(const std::string& text) { return to_hex(sha256(as_bytes(text))); }

}  // namespace

std::string SigV4Scope::credential_scope() const { return fmt::format("{}/{}/{}/aws4_request", date(), region, service); }

std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query) encoded.emplace_back(percent_encode(name, false), percent_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

std::string sigv4_signed_headers(const SigV4Request& request) {
  std::string out;
  for (const auto& [name, value] : canonical_headers(request)) out += (out.empty() ? "" : ";") + name;
  return out;
}

std::string sigv4_canonical_request(const SigV4Request& request) {
  std::string out = request.method + "\n" + request.canonical_uri + "\n" + sigv4_canonical_query(request.query) + "\n";
  for (const auto& [name, value] : canonical_headers(request)) out += name + ":" + value + "\n";
  out += '\n';
  out += sigv4_signed_headers(request);
  out += '\n';
  out += request.payload_hash;
  return out;
}

std::string sigv4_string_to_sign(const SigV4Scope& scope, const std::string& canonical_request) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", scope.amz_date, scope.credential_scope(), hex_sha256(canonical_request));
}

Hash sigv4_signing_key(const std::string& secret_access_key, const SigV4Scope& scope) {
  Hash key = hmac_sha256(as_bytes("AWS4" + secret_access_key), as_bytes(scope.date()));
  key = hmac_sha256(key, as_bytes(scope.region));
  key = hmac_sha256(key, as_bytes(scope.service));
  return hmac_sha256(key, as_bytes("aws4_request"));
}

std::string sigv4_authorization(const SigV4Request& request, const SigV4Scope& scope, const AwsCredentials& credentials) {
  std::string to_sign = sigv4_string_to_sign(scope, sigv4_canonical_request(request));
  Hash signature = hmac_sha256(sigv4_signing_key(credentials.secret_access_key, scope), as_bytes(to_sign));
  return fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", credentials.access_key_id, scope.credential_scope(),
                     sigv4_signed_headers(request), to_hex(signature));
}

std::string sigv4_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

}  // namespace gb
