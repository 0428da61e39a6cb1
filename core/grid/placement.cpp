#include "core/grid/placement.h"

#include <algorithm>

#include "core/common/number_text.h"
#include "core/crypto/sha256.h"

namespace gb {
namespace {

// A number in a share's name: parse_uint's form, and no leading zero, so
// each share has exactly one name.
bool parse_decimal(std::string_view text, uint64_t& out) {
  if (text.size() > 1 && text[0] == '0') return false;
  auto n = parse_uint(text);
  if (n) out = *n;
  return n.ok();
}

}  // namespace

std::vector<size_t> permuted_order(std::string_view object_name, const std::vector<std::string>& member_ids) {
  std::vector<std::pair<Hash, size_t>> keyed;
  keyed.reserve(member_ids.size());
  for (size_t i = 0; i < member_ids.size(); ++i) {
    Sha256 h;
    h.update(as_bytes(object_name));
    const uint8_t zero = 0;
    h.update(ByteView(&zero, 1));
    h.update(as_bytes(member_ids[i]));
    keyed.emplace_back(h.finish(), i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<size_t> order;
  order.reserve(keyed.size());
  for (const auto& [key, i] : keyed) order.push_back(i);
  return order;
}

std::string share_object_name(std::string_view object_name, int index, uint64_t object_length) {
  return std::string(object_name) + "/s" + std::to_string(index) + "." + std::to_string(object_length);
}

std::optional<ShareName> parse_share_object_name(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view last = name.substr(slash + 1);
  size_t dot = last.find('.');
  if (last.size() < 4 || last[0] != 's' || dot == std::string_view::npos) return std::nullopt;
  uint64_t index = 0, length = 0;
  if (!parse_decimal(last.substr(1, dot - 1), index) || index >= 256 || !parse_decimal(last.substr(dot + 1), length)) return std::nullopt;
  return ShareName{std::string(name.substr(0, slash)), static_cast<int>(index), length};
}

}  // namespace gb
