// TOML through toml++ (Debian: libtomlplusplus-dev): its parser reports the
// line of every error and of every key, which the messages below name.
#include "core/config/config_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "core/common/user_dirs.h"

namespace gb {
namespace {

Error bad(const std::string& file, int line, std::string what) {
  return make_error(ErrorKind::InvalidArgument, fmt::format("the config file {}, line {}: {}", file, line, what));
}

std::string expand_home(const std::string& p) { return p.rfind("~/", 0) == 0 ? home_dir() + p.substr(1) : p; }

// One key's node as text values, or why it cannot be one.
Result<std::vector<std::string>> values_of(const Setting& s, const toml::node& node, const std::string& file, int line) {
  auto wrong = [&] { return bad(file, line, fmt::format("'{}' must be a {}", s.name, type_text(s.type))); };
  std::vector<std::string> out;
  switch (s.type) {
    case SettingType::String:
    case SettingType::Path:
      if (!node.is_string()) return wrong();
      out.push_back(*node.value<std::string>());
      if (s.type == SettingType::Path) out.back() = expand_home(out.back());
      if (out.back().empty()) return bad(file, line, fmt::format("'{}' is empty (leave the key out for the default)", s.name));
      break;
    case SettingType::StringList: {
      const toml::array* a = node.as_array();
      if (!a) return wrong();
      for (const toml::node& e : *a) {
        if (!e.is_string()) return wrong();
        out.push_back(*e.value<std::string>());
      }
      break;
    }
    case SettingType::Count: {
      auto v = node.value_exact<int64_t>();
      if (!v || *v < 0) return wrong();
      out.push_back(std::to_string(*v));
      break;
    }
    case SettingType::Bool: {
      auto v = node.value_exact<bool>();
      if (!v) return wrong();
      out.push_back(*v ? "true" : "false");
      break;
    }
  }
  if (s.check)
    for (const auto& v : out)
      if (Status st = s.check(v); !st) return bad(file, line, fmt::format("'{}': {}", s.name, st.error().message));
  return out;
}

}  // namespace

std::vector<std::string> config_file_paths() {
  std::string sys = env_value("GRIDBACKUP_SYSTEM_CONFIG");
  std::string user = env_value("GRIDBACKUP_CONFIG");
  return {sys.empty() ? "/etc/gridbackup/config.toml" : sys, user.empty() ? xdg_dir("XDG_CONFIG_HOME", ".config") + "/gridbackup/config.toml" : user};
}

Result<Config> Config::load(const std::vector<std::string>& files) {
  Config c;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) continue;  // no file: nothing set there (an unreadable one reads as absent too, as for ~/.bashrc)
    c.files_.push_back(file);
    std::stringstream text;
    text << in.rdbuf();
    toml::table table;
    try {
      table = toml::parse(text.str(), file);
    } catch (const toml::parse_error& e) {
      return bad(file, static_cast<int>(e.source().begin.line), fmt::format("not valid TOML: {}", e.description()));
    }
    for (const auto& [key, node] : table) {
      int line = static_cast<int>(node.source().begin.line);
      std::string name(key.str());
      const Setting* s = find_setting(name);
      if (!s) {
        if (name == "cap")
          return bad(file, line, "the cap itself does not belong in the config file (it opens every backup); name a cap file with 'cap-file'");
        return bad(file, line, fmt::format("unknown key '{}' (see 'gridbackup config keys')", name));
      }
      GB_ASSIGN(auto values, values_of(*s, node, file, line));
      c.values_[name] = FileValue{std::move(values), file, line};
    }
  }
  return c;
}

const FileValue* Config::from_file(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

Config::Effective Config::effective(const Setting& s) const {
  if (s.env)
    if (std::string e = env_value(s.env); !e.empty()) return {{e}, std::string("env ") + s.env};
  if (const FileValue* f = from_file(s.name)) return {f->values, fmt::format("{}:{}", f->file, f->line)};
  return {{}, "default"};
}

std::optional<std::string> Config::value(const std::string& key) const {
  const Setting* s = find_setting(key);
  if (!s) return std::nullopt;
  Effective e = effective(*s);
  if (e.values.empty()) return std::nullopt;
  return e.values.back();
}

}  // namespace gb
