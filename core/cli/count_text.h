// Counts as people write them: "1 snapshot", "2 snapshots", never
// "1 snapshots" or "snapshot(s)".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gb {

// "1 file", "0 files"; `many` when the plural is not one + "s" ("1 entry", "2 entries").
std::string counted(uint64_t n, std::string_view one, std::string_view many = {});

}  // namespace gb
