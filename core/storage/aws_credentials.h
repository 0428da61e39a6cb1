// Where S3 credentials come from, in the order the AWS tools use:
// 1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
// 2. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
//    ~/.aws/credentials), section [PROFILE], where PROFILE is the URL option
//    `profile`, else AWS_PROFILE, else "default".
#pragma once
#include <string>
#include <string_view>

#include "core/common/result.h"
#include "core/storage/aws_sigv4.h"

namespace gb {

// `profile` is the URL's choice, "" when it made none.
Result<AwsCredentials> load_aws_credentials(const std::string& profile);

// Reads one profile from the text of a shared credentials file (an INI file:
// [profile] sections, "key = value" lines, '#' and ';' comments).
// `path` only names the file in messages.
Result<AwsCredentials> parse_aws_credentials_file(std::string_view text, const std::string& profile, const std::string& path);

}  // namespace gb
