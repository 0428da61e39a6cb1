// The config files: /etc/gridbackup/config.toml, then the user's
// ~/.config/gridbackup/config.toml (each key of the user's replaces the
// system's). Precedence of one setting, highest first: command-line flag
// (the CLI's), environment variable, user file, system file, default.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/config/settings.h"

namespace gb {

// A key as read from a file: its values as text (a Count or Bool too, as
// the command line would give it) and where it was written.
struct FileValue {
  std::vector<std::string> values;
  std::string file;
  int line = 0;
};

// The system file, then the user's. GRIDBACKUP_SYSTEM_CONFIG and
// GRIDBACKUP_CONFIG name others (tests, a service with its own file).
std::vector<std::string> config_file_paths();

class Config {
 public:
  // Reads `files` in order; a missing file is no error, a bad one is one
  // sentence naming file, line and key (InvalidArgument).
  static Result<Config> load(const std::vector<std::string>& files);
  static Result<Config> load() { return load(config_file_paths()); }

  const FileValue* from_file(const std::string& key) const;
  // The value without the command line: environment, then files, then none.
  struct Effective {
    std::vector<std::string> values;  // empty: the default applies
    std::string source;               // "default", "env VAR", "FILE:LINE"
  };
  Effective effective(const Setting& s) const;
  // One value (the last of a list): environment, files; nullopt for the default.
  std::optional<std::string> value(const std::string& key) const;
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::map<std::string, FileValue> values_;
  std::vector<std::string> files_;
};

}  // namespace gb
