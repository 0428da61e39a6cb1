// JsonValue: a small, strict JSON (RFC 8259) reader for the answers of the
// web APIs the storage backends talk to (Tahoe-LAFS). Numbers keep their
// literal text, so 64-bit sizes are read exactly.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  std::string text;                                        // a string, or a number's literal
  std::vector<JsonValue> items;                            // an array
  std::vector<std::pair<std::string, JsonValue>> members;  // an object, in document order

  // The member with that key, or nullptr (also when this is not an object).
  const JsonValue* get(std::string_view key) const;
  // A non-negative integer that fits 64 bits, or nothing.
  std::optional<uint64_t> as_uint() const;
  bool is_string() const { return type == Type::String; }
};

// Parses one JSON document; malformed text is Corrupt.
Result<JsonValue> parse_json(std::string_view text);

}  // namespace gb
