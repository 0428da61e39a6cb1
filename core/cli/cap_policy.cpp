#include "core/cli/cap_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace gb {
namespace {

// Commands that read what a backup cap's own line holds (besides storing it).
constexpr std::array<std::string_view, 12> kBackupMay = {"backup", "upload", "status", "snapshots", "ls",    "restore",
                                                         "diff",   "find",   "dump",   "versions",  "stats", "agent"};
constexpr std::array<std::string_view, 10> kReadMay = {"status", "snapshots", "ls", "restore", "diff", "find", "dump", "versions", "stats", "verify"};
constexpr std::array<std::string_view, 3> kVerifyMay = {"status", "verify", "repair"};

template <size_t N>
bool in(const std::array<std::string_view, N>& list, std::string_view command) {
  return std::find(list.begin(), list.end(), command) != list.end();
}

}  // namespace

bool cap_may_run(CapKind kind, std::string_view command) {
  if (kind == CapKind::Root || command == "cap") return true;  // `cap` checks its own subcommands
  switch (kind) {
    case CapKind::Backup:
      return in(kBackupMay, command);
    case CapKind::Read:
      return in(kReadMay, command);
    case CapKind::Verify:
      return in(kVerifyMay, command);
    case CapKind::Root:
      break;
  }
  return true;
}

Error cap_refusal(CapKind kind, std::string_view command) {
  std::string a = std::string("a ") + cap_kind_name(kind);
  if (cap_may_run(kind, command))
    return make_error(ErrorKind::WrongKey, fmt::format("{} will run '{}' on repositories of format version 2, but this version of "
                                                       "gridbackup opens repositories with the root cap only",
                                                       a, command))
        .because(Cause::CapTooWeak);
  std::string who = "the root cap";
  for (CapKind k : {CapKind::Backup, CapKind::Read, CapKind::Verify})
    if (cap_may_run(k, command)) who += std::string(" or a ") + cap_kind_name(k);
  return make_error(ErrorKind::WrongKey, fmt::format("{} cannot run '{}': it needs {}", a, command, who)).because(Cause::CapTooWeak);
}

}  // namespace gb
