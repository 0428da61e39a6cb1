// XmlElement: just enough XML for S3 responses (ListObjectsV2, errors,
// multipart uploads). The parser takes well-formed documents with
// declarations, comments, CDATA, attributes and namespaces; it keeps element
// names (without namespace prefix), character data with entity and character
// references decoded, and nesting. Anything malformed is Corrupt.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct XmlElement {
  std::string name;  // local name: "s3:Key" is "Key"
  std::string text;  // character data directly inside this element
  std::vector<XmlElement> children;

  // The first child with that name, or nullptr.
  const XmlElement* child(std::string_view name) const;
  // The text of the first child with that name, or "" when there is none.
  std::string child_text(std::string_view name) const;
};

Result<XmlElement> parse_xml(std::string_view document);

// Escapes &, <, >, " and ' for use in XML text or attribute values.
std::string xml_escape(std::string_view text);

}  // namespace gb
