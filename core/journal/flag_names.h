// Names for the bits of a native event's flag word ("FILE_CREATE|CLOSE",
// "ItemCreated|ItemIsFile"), both ways: translators print them in logs and
// tests, scenario specs are written with them. Standard library only.
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gb {

struct FlagName {
  uint32_t bit;
  const char* name;
};

// Known bits by name in table order, unknown ones as one 0x… word; `none`
// for no bits at all.
inline std::string flag_names(uint32_t flags, std::span<const FlagName> table, const char* none) {
  std::string out;
  for (const auto& [bit, name] : table) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out += '|';
    out += name;
    flags &= ~bit;
  }
  if (flags) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", flags);
    if (!out.empty()) out += '|';
    out += buf;
  }
  return out.empty() ? none : out;
}

// The inverse; nullopt on a name not in the table (`none` means no bits).
inline std::optional<uint32_t> flags_from_names(std::string_view names, std::span<const FlagName> table, std::string_view none) {
  uint32_t flags = 0;
  while (!names.empty()) {
    size_t bar = names.find('|');
    std::string_view word = names.substr(0, bar);
    bool found = word == none;
    for (const auto& [bit, name] : table)
      if (word == name) flags |= bit, found = true;
    if (!found) return std::nullopt;
    names = bar == std::string_view::npos ? std::string_view() : names.substr(bar + 1);
  }
  return flags;
}

}  // namespace gb
