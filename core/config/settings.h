// The settings of the config file (config.toml), one table: adding a key is
// one row in settings.cpp. Every command and the service read the same table,
// so a key means the same wherever it is used.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

enum class SettingType {
  String,      // "text"
  Path,        // "text"; a leading "~/" is the home directory
  StringList,  // ["a", "b"]
  Count,       // a whole number >= 0
  Bool,        // true | false
};

struct Setting {
  const char* name;  // the key in config.toml
  SettingType type;
  const char* default_text;  // what applies when nothing sets it, as `config show` says it
  const char* help;
  // The command-line option (without "--") the key stands for: a command
  // taking it gets the file's value when the line does not give one.
  const char* option = nullptr;
  const char* env = nullptr;  // an environment variable that outranks the files
  // Keys of one group are one decision (the retention policy): an option of
  // the group on the command line sets aside every file key of the group.
  const char* group = nullptr;
  // Further checks of a value (a schedule's grammar, ...); null: the type's only.
  Status (*check)(const std::string& value) = nullptr;
};

std::span<const Setting> settings();
const Setting* find_setting(std::string_view name);
const char* type_text(SettingType t);

}  // namespace gb
