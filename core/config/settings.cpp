#include "core/config/settings.h"

#include <fmt/format.h>

namespace gb {
namespace {

// The service parses the value itself (core/service/metered_network.h, a
// layer above); the file's value is refused at load, as a flag's at start.
Status check_metered(const std::string& value) {
  if (value == "auto" || value == "yes" || value == "no") return {};
  return make_error(ErrorKind::InvalidArgument, fmt::format("wants auto, yes or no, not '{}'", value));
}

// Key names are the command-line options' names, so the file reads as the
// flags do. The cap itself has no key: a secret does not belong in a file
// that `config show` prints and that is often shared (cap-file names it).
const Setting kSettings[] = {
    {"repository", SettingType::String, "the cap's (init: ~/.local/share/gridbackup/repository)", "repository URL", "repo", "GRIDBACKUP_REPO"},
    {"cap-file", SettingType::Path, "~/.config/gridbackup/cap", "root cap file", "cap-file", "GRIDBACKUP_CAP_FILE"},
    {"state-dir", SettingType::Path, "~/.local/state/gridbackup", "local state and caches", "state-dir", "GRIDBACKUP_STATE_DIR"},
    {"host", SettingType::String, "the machine's name", "host name recorded in snapshots; 'latest' is this host's newest", nullptr,
     "GRIDBACKUP_HOST"},
    {"exclude", SettingType::StringList, "[]", "backup --exclude patterns", "exclude"},
    {"iexclude", SettingType::StringList, "[]", "backup --iexclude patterns", "iexclude"},
    {"exclude-file", SettingType::StringList, "[]", "backup --exclude-file files", "exclude-file"},
    {"iexclude-file", SettingType::StringList, "[]", "backup --iexclude-file files", "iexclude-file"},
    {"exclude-caches", SettingType::Bool, "false", "backup --exclude-caches", "exclude-caches"},
    {"exclude-if-present", SettingType::StringList, "[]", "backup --exclude-if-present NAME[:HEADER]", "exclude-if-present"},
    {"exclude-larger-than", SettingType::String, "none", "backup --exclude-larger-than SIZE", "exclude-larger-than"},
    {"priority", SettingType::StringList, "[]", "backup --priority PATTERN=high|normal|low|lowest rules", "priority"},
    {"limit-upload", SettingType::Count, "0 (unlimited)", "upload rate limit in KiB/s (backup, upload)", "limit-upload"},
    {"keep-last", SettingType::Count, "none", "forget --keep-last", "keep-last", nullptr, "retention"},
    {"keep-hourly", SettingType::Count, "none", "forget --keep-hourly", "keep-hourly", nullptr, "retention"},
    {"keep-daily", SettingType::Count, "none", "forget --keep-daily", "keep-daily", nullptr, "retention"},
    {"keep-weekly", SettingType::Count, "none", "forget --keep-weekly", "keep-weekly", nullptr, "retention"},
    {"keep-monthly", SettingType::Count, "none", "forget --keep-monthly", "keep-monthly", nullptr, "retention"},
    {"keep-yearly", SettingType::Count, "none", "forget --keep-yearly", "keep-yearly", nullptr, "retention"},
    {"keep-within", SettingType::String, "none", "forget --keep-within DURATION", "keep-within", nullptr, "retention"},
    {"metered", SettingType::String, "auto", "service run --metered: auto (ask NetworkManager), yes or no", "metered", nullptr, nullptr,
     check_metered},
    {"on-warning", SettingType::String, "none", "service run --on-warning: a command run when the health turns WARNING", "on-warning"},
    {"on-failure", SettingType::String, "none", "service run --on-failure: a command run when the health turns FAILING", "on-failure"},
};

}  // namespace

std::span<const Setting> settings() { return kSettings; }

const Setting* find_setting(std::string_view name) {
  for (const Setting& s : kSettings)
    if (name == s.name) return &s;
  return nullptr;
}

const char* type_text(SettingType t) {
  switch (t) {
    case SettingType::String:
      return "string";
    case SettingType::Path:
      return "path";
    case SettingType::StringList:
      return "list of strings";
    case SettingType::Count:
      return "whole number";
    case SettingType::Bool:
      return "true or false";
  }
  return "";
}

}  // namespace gb
