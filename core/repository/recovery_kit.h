// The recovery kit (docs/FORMAT.md, "Recovery kit"): the root cap split by
// Shamir's scheme into shares that friends keep, each one printable string
// that says which cap it belongs to, how many are needed, which one it is,
// and carries check digits, so a mistyped share is named before anything is
// combined:
//
//   GBK1-3OF5-2-<cap id>-<share bytes, Crockford base32, groups of 5>-<check>
//
// What is split is the cap's master secret followed by its URL (a URL may hold
// a password), so any threshold of shares rebuild the whole cap and fewer
// reveal nothing but its length.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/repository/root_cap.h"

namespace gb {

struct RecoveryShare {
  unsigned threshold = 0;  // how many shares rebuild the cap
  unsigned count = 0;      // how many the split made
  unsigned number = 0;     // this one: 1..count
  std::string cap_id;      // 6 characters naming the cap (not secret: a hash of it)
  Bytes bytes;             // the Shamir share of master || URL
};

// The short id every share of `cap` carries, so shares of two caps are not mixed.
std::string recovery_cap_id(const RootCap& cap);
// `count` shares, any `threshold` of which rebuild `cap`. InvalidArgument
// unless 2 <= threshold <= count <= 255.
Result<std::vector<RecoveryShare>> split_root_cap(const RootCap& cap, unsigned threshold, unsigned count);

// The share as printed: upper case, groups of 5 separated by '-'.
std::string format_recovery_share(const RecoveryShare& share);
// Reads a share as typed: any case, blanks and line breaks anywhere, O for 0
// and I or L for 1. WrongKey with one sentence when it is not a share or
// does not match its check digits.
Result<RecoveryShare> parse_recovery_share(std::string_view text);

struct JoinedCap {
  RootCap cap;
  // Shares given beyond the threshold that do not fit the others (from
  // another split of the same cap), as sentences: the cap was rebuilt without them.
  std::vector<std::string> left_out;
};
// The root cap from the shares as typed, in any order. One sentence naming
// the share at fault for: a share that does not read, shares of two caps or
// two splits, a share given twice; InvalidArgument "3 of 5 shares needed, 2
// given" for too few.
Result<JoinedCap> join_root_cap(std::span<const std::string> texts);

}  // namespace gb
