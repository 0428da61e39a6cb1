// The S3 request and response bodies the s3:// backend exchanges, apart from
// the objects themselves: ListObjectsV2 pages, error documents and the three
// steps of a multipart upload.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"
#include "core/storage/backend.h"

namespace gb {

struct S3ListPage {
  std::vector<ObjectInfo> objects;  // full keys, as the server sent them
  bool truncated = false;
  std::string next_continuation_token;
};

// A ListBucketResult document of ListObjectsV2 (GET /bucket?list-type=2).
Result<S3ListPage> parse_s3_list_page(std::string_view xml);

struct S3ErrorBody {
  std::string code;     // "NoSuchKey", "SignatureDoesNotMatch", ...
  std::string message;  // the server's sentence
};

// An <Error> document, or nothing when the text is not one (HEAD answers and
// some proxies send no body at all).
std::optional<S3ErrorBody> parse_s3_error(std::string_view xml);

// The UploadId in the answer to POST ?uploads (InitiateMultipartUpload).
Result<std::string> parse_s3_upload_id(std::string_view xml);

// The body of POST ?uploadId= (CompleteMultipartUpload): part i+1 has etags[i].
std::string s3_complete_multipart_body(const std::vector<std::string>& etags);

}  // namespace gb
