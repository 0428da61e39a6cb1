#include "core/storage/s3_messages.h"

#include <fmt/format.h>

#include <pugixml.hpp>
#include <sstream>

#include "core/common/number_text.h"
#include "core/common/valid_utf8.h"

namespace gb {
namespace {

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

Error unexpected(const std::string& what) { return make_error(ErrorKind::Corrupt, fmt::format("the S3 server sent an unexpected answer: {}", what)); }

// The element's name without a namespace prefix: Swift's s3api writes "s3:Key".
std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  return {};
}

// The character data directly inside an element, text and CDATA sections joined.
std::string text_of(const pugi::xml_node& n) {
  std::string text;
  for (auto c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  return text;
}

std::string child_text(const pugi::xml_node& parent, std::string_view name) { return text_of(child(parent, name)); }

// Parses a whole document; its root element, or Corrupt with pugixml's reason.
Result<pugi::xml_node> parse(pugi::xml_document& doc, std::string_view xml) {
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return make_error(ErrorKind::Corrupt, fmt::format("malformed XML response ({} at byte {})", r.description(), r.offset));
  pugi::xml_node root = doc.document_element();
  if (!root) return make_error(ErrorKind::Corrupt, "malformed XML response (no root element)");
  return root;
}

}  // namespace

Result<S3ListPage> parse_s3_list_page(std::string_view xml) {
  pugi::xml_document doc;
  GB_ASSIGN(pugi::xml_node root, parse(doc, xml));
  if (local_name(root) != "ListBucketResult") return unexpected(fmt::format("<{}> instead of <ListBucketResult>", local_name(root)));
  S3ListPage page;
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element || local_name(c) != "Contents") continue;
    pugi::xml_node key = child(c, "Key");
    if (!key) return unexpected("a <Contents> entry without <Key>");
    std::string name = text_of(key);
    // A character reference to a surrogate or past U+10FFFF leaves bytes that
    // are not UTF-8; such a key names nothing we stored.
    if (!is_valid_utf8(name)) return unexpected("a key that is not UTF-8");
    std::string size_text = trimmed(child_text(c, "Size"));
    auto size = parse_uint(size_text);
    if (!size) return unexpected(fmt::format("the size '{}' of {}", size_text, name));
    page.objects.push_back({std::move(name), *size});
  }
  page.truncated = trimmed(child_text(root, "IsTruncated")) == "true";
  page.next_continuation_token = trimmed(child_text(root, "NextContinuationToken"));
  if (page.truncated && page.next_continuation_token.empty()) return unexpected("a truncated listing without <NextContinuationToken>");
  return page;
}

std::optional<S3ErrorBody> parse_s3_error(std::string_view xml) {
  pugi::xml_document doc;
  auto root = parse(doc, xml);
  if (!root || local_name(*root) != "Error") return std::nullopt;
  return S3ErrorBody{trimmed(child_text(*root, "Code")), trimmed(child_text(*root, "Message"))};
}

Result<std::string> parse_s3_upload_id(std::string_view xml) {
  pugi::xml_document doc;
  GB_ASSIGN(pugi::xml_node root, parse(doc, xml));
  std::string id = trimmed(child_text(root, "UploadId"));
  if (local_name(root) != "InitiateMultipartUploadResult" || id.empty()) return unexpected("no <UploadId> in the answer to a multipart upload");
  return id;
}

std::string s3_complete_multipart_body(const std::vector<std::string>& etags) {
  pugi::xml_document doc;
  pugi::xml_node body = doc.append_child("CompleteMultipartUpload");
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = body.append_child("Part");
    part.append_child("PartNumber").text().set(static_cast<unsigned long long>(i + 1));
    part.append_child("ETag").text().set(etags[i].c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace gb
