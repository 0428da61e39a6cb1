#include "core/storage/aws_credentials.h"

#include <fmt/format.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace gb {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Result<AwsCredentials> parse_aws_credentials_file(std::string_view text, const std::string& profile, const std::string& path) {
  AwsCredentials creds;
  bool in_profile = false, seen_profile = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string line = trim(text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos));
    pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      std::string name = trim(line.substr(1, line.find(']') == std::string::npos ? std::string::npos : line.find(']') - 1));
      in_profile = name == profile;
      seen_profile = seen_profile || in_profile;
      continue;
    }
    if (!in_profile) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id")
      creds.access_key_id = value;
    else if (key == "aws_secret_access_key")
      creds.secret_access_key = value;
    else if (key == "aws_session_token")
      creds.session_token = value;
  }
  if (!seen_profile) return make_error(ErrorKind::InvalidArgument, fmt::format("the S3 credentials file {} has no profile [{}]", path, profile));
  if (creds.access_key_id.empty() || creds.secret_access_key.empty())
    return make_error(ErrorKind::InvalidArgument, fmt::format("profile [{}] in {} lacks aws_access_key_id or aws_secret_access_key", profile, path));
  return creds;
}

Result<AwsCredentials> load_aws_credentials(const std::string& profile) {
  // A profile named in the URL is an explicit choice; it beats the environment.
  if (profile.empty() && !env("AWS_ACCESS_KEY_ID").empty()) {
    AwsCredentials creds{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
    if (creds.secret_access_key.empty()) return make_error(ErrorKind::InvalidArgument, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    return creds;
  }
  std::string path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty() && !env("HOME").empty()) path = env("HOME") + "/.aws/credentials";
  std::string chosen = !profile.empty() ? profile : !env("AWS_PROFILE").empty() ? env("AWS_PROFILE") : "default";
  std::ifstream in(path);
  if (path.empty() || !in)
    return make_error(ErrorKind::InvalidArgument, fmt::format("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write "
                                                              "profile [{}] into {}",
                                                              chosen, path.empty() ? "~/.aws/credentials" : path));
  std::stringstream text;
  text << in.rdbuf();
  return parse_aws_credentials_file(text.str(), chosen, path);
}

}  // namespace gb
