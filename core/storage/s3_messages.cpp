#include "core/storage/s3_messages.h"

#include <fmt/format.h>

#include "core/storage/xml_tree.h"

namespace gb {
namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Error unexpected(const std::string& what) {
  return make_error(ErrorKind::Corrupt, fmt::format("the S3 server sent an unexpected answer: {}", what));
}

}  // namespace

Result<S3ListPage> parse_s3_list_page(std::string_view xml) {
  GB_ASSIGN(XmlElement root, parse_xml(xml));
  if (root.name != "ListBucketResult") return unexpected(fmt::format("<{}> instead of <ListBucketResult>", root.name));
  S3ListPage page;
  for (const auto& c : root.children) {
    if (c.name != "Contents") continue;
    const XmlElement* key = c.child("Key");
    std::string size = trimmed(c.child_text("Size"));
    if (!key) return unexpected("a <Contents> entry without <Key>");
    if (size.empty() || size.find_first_not_of("0123456789") != std::string::npos || size.size() > 19)
      return unexpected(fmt::format("the size '{}' of {}", size, key->text));
    page.objects.push_back({key->text, std::stoull(size)});
  }
  page.truncated = trimmed(root.child_text("IsTruncated")) == "true";
  page.next_continuation_token = trimmed(root.child_text("NextContinuationToken"));
  if (page.truncated && page.next_continuation_token.empty())
    return unexpected("a truncated listing without <NextContinuationToken>");
  return page;
}

std::optional<S3ErrorBody> parse_s3_error(std::string_view xml) {
  auto root = parse_xml(xml);
  if (!root || root->name != "Error") return std::nullopt;
  return S3ErrorBody{trimmed(root->child_text("Code")), trimmed(root->child_text("Message"))};
}

Result<std::string> parse_s3_upload_id(std::string_view xml) {
  GB_ASSIGN(XmlElement root, parse_xml(xml));
  std::string id = trimmed(root.child_text("UploadId"));
  if (root.name != "InitiateMultipartUploadResult" || id.empty())
    return unexpected("no <UploadId> in the answer to a multipart upload");
  return id;
}

std::string s3_complete_multipart_body(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, xml_escape(etags[i]));
  return body + "</CompleteMultipartUpload>";
}

}  // namespace gb
