// StorageUrl: the parts of a remote repository URL such as
// s3://host:9000/bucket/prefix?region=eu-west-1 or sftp://me@nas:2222/backup.
// Every remote backend is configured by one URL; its options are query
// parameters, checked against the names the backend knows so that a typo is
// reported instead of silently ignored.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct StorageUrl {
  std::string text;    // as given, for messages
  std::string scheme;  // lower case, without "://"
  std::string user;    // percent-decoded; empty if none
  std::optional<std::string> password;
  std::string host;  // without brackets for an IPv6 literal
  std::optional<uint16_t> port;
  std::string path;                           // percent-decoded, starts with '/' unless empty
  std::map<std::string, std::string> params;  // decoded query parameters

  // "host" or "host:port", with brackets around an IPv6 literal.
  std::string authority() const;
  // The URL without user information, safe to print.
  std::string redacted() const;

  // Fails with InvalidArgument if a parameter is not one of `known`.
  Status check_params(const std::vector<std::string_view>& known) const;
  std::string param(const std::string& name, const std::string& fallback = "") const;
  // A non-negative integer parameter, or `fallback` when absent.
  Result<uint64_t> number_param(const std::string& name, uint64_t fallback) const;
  // "1", "true", "yes" are true; "0", "false", "no" are false.
  Result<bool> flag_param(const std::string& name, bool fallback) const;
};

Result<StorageUrl> parse_storage_url(const std::string& text);

// RFC 3986 percent-encoding: everything but unreserved characters
// (A-Z a-z 0-9 - . _ ~) is encoded; '/' is kept when keep_slash is set.
std::string percent_encode(std::string_view text, bool keep_slash);
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace gb
