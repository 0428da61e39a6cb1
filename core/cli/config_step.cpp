// The config files' part of a command line: flag > environment > user file >
// system file > default (core/config/config_file.h). A file value is put on
// the command line as if typed, so every command reads its options one way.
#include "core/cli/options.h"

#include "core/common/user_dirs.h"

namespace gb {

bool given_on_line(const CommandLine& cl, const Setting& s) { return s.option && (cl.values.count(s.option) || cl.flags.count(s.option)); }

Status apply_config(CommandLine& cl) {
  GB_ASSIGN(Config config, Config::load());
  auto shared = std::make_shared<const Config>(std::move(config));
  std::set<std::string> groups_on_line;
  for (const Setting& s : settings())
    if (s.group && given_on_line(cl, s)) groups_on_line.insert(s.group);
  for (const Setting& s : settings()) {
    if (!s.option || !cl.takes.count(s.option) || given_on_line(cl, s)) continue;
    if (s.group && groups_on_line.count(s.group)) continue;
    if (s.env && !env_value(s.env).empty()) continue;  // the environment outranks the files
    const FileValue* f = shared->from_file(s.name);
    if (!f) continue;
    if (s.type == SettingType::Bool) {
      if (f->values.back() == "true") cl.flags[s.option] = true;
    } else if (!f->values.empty()) {
      cl.values[s.option] = f->values;
    }
    cl.from_config.insert(s.option);
  }
  cl.config = std::move(shared);
  return {};
}

}  // namespace gb
