// Where shares go (Tahoe-LAFS's "permuted ring") and what they are called on
// a member.
//
// For each object the members are put in the order of SHA-256(object name ||
// 0 || member id): share i belongs on the i-th member of that list. Every
// object gets its own order, so the load spreads evenly over the members.
// Readers do not depend on it: a listing finds shares wherever they are.
//
// On a member, share i of an object NAME of L bytes is the object
// "NAME/s<i>.<L>": one small listing of "NAME/" tells which shares a member
// holds and how long the object is, and a member can hold two shares of one
// object when too few members were reachable.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

// Member positions (indices into `member_ids`) in the object's permuted order.
std::vector<size_t> permuted_order(std::string_view object_name, const std::vector<std::string>& member_ids);

std::string share_object_name(std::string_view object_name, int index, uint64_t object_length);

struct ShareName {
  std::string object;  // the grid object the share belongs to
  int index = 0;
  uint64_t object_length = 0;
};
// Parses a member's object name; nullopt when it is not a share.
std::optional<ShareName> parse_share_object_name(std::string_view member_object_name);

}  // namespace gb
