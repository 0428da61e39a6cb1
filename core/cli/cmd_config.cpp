// `gridbackup config show [--json]`: every setting's effective value and where
// it came from (flag, env, file:line, default); `config keys`: the keys a
// config file may hold. The table is core/config/settings.cpp.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/storage/storage_url.h"

namespace gb {
namespace {

// A repository URL as safe to print: no password, no Tahoe cap (which grants access).
std::string shown_url(const std::string& url) {
  std::string shown = url;
  if (url.find("://") != std::string::npos && url.rfind("file://", 0) != 0)
    if (auto u = parse_storage_url(url)) shown = u->redacted();
  if (auto at = shown.find("URI:"); at != std::string::npos) shown = shown.substr(0, at) + "URI:...";
  return shown;
}

struct Shown {
  const Setting* setting;
  std::vector<std::string> values;
  std::string source;
};

std::vector<Shown> effective_settings(const CommandLine& cl) {
  std::vector<Shown> out;
  for (const Setting& s : settings()) {
    Shown e{&s, {}, ""};
    if (s.option && cl.values.count(s.option) && !cl.from_config.count(s.option)) {
      e.values = cl.all(s.option);
      e.source = fmt::format("flag --{}", s.option);
    } else {
      Config::Effective f = cl.config->effective(s);
      e.values = std::move(f.values);
      e.source = std::move(f.source);
    }
    if (std::string(s.name) == "repository")
      for (auto& v : e.values) v = shown_url(v);
    out.push_back(std::move(e));
  }
  return out;
}

std::string toml_text(const Shown& e) {
  if (e.values.empty()) return e.setting->default_text;
  auto quoted = [](const std::string& v) { return nlohmann::json(v).dump(); };  // TOML basic strings escape as JSON does
  switch (e.setting->type) {
    case SettingType::Count:
    case SettingType::Bool:
      return e.values.back();
    case SettingType::StringList: {
      std::string out = "[";
      for (size_t i = 0; i < e.values.size(); ++i) out += (i ? ", " : "") + quoted(e.values[i]);
      return out + "]";
    }
    default:
      return quoted(e.values.back());
  }
}

int show(const CommandLine& cl) {
  auto all = effective_settings(cl);
  if (cl.flag("json")) {
    nlohmann::json j = {{"files", cl.config->files()}, {"settings", nlohmann::json::object()}};
    for (const Shown& e : all) {
      nlohmann::json v;
      if (e.values.empty())
        v = nullptr;
      else if (e.setting->type == SettingType::StringList)
        v = e.values;
      else if (e.setting->type == SettingType::Count)
        v = std::stoull(e.values.back());
      else if (e.setting->type == SettingType::Bool)
        v = e.values.back() == "true";
      else
        v = e.values.back();
      j["settings"][e.setting->name] = {{"value", v}, {"source", e.source}};
    }
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("# config files read: %s\n", cl.config->files().empty() ? "none" : fmt::format("{}", fmt::join(cl.config->files(), ", ")).c_str());
  for (const Shown& e : all) std::printf("%s = %s  # %s\n", e.setting->name, toml_text(e).c_str(), e.source.c_str());
  return kExitOk;
}

int keys() {
  for (const Setting& s : settings())
    std::printf("%-20s %-16s %s (default: %s)%s\n", s.name, type_text(s.type), s.help, s.default_text,
                s.env ? fmt::format("; env {}", s.env).c_str() : "");
  return kExitOk;
}

int cmd_config(const CommandLine& cl) {
  std::string sub = cl.args.empty() ? "show" : cl.args[0];
  if (cl.args.size() > 1) return report_error(make_error(ErrorKind::InvalidArgument, "config takes one word: show or keys"));
  if (sub == "show") return show(cl);
  if (sub == "keys") return keys();
  return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("unknown config command '{}' (show or keys)", sub)));
}

}  // namespace

const Command kConfigCommand = {"config",
                                "[show|keys]",
                                "the effective settings and where each came from (show), or the keys a config file may hold (keys)",
                                [](CommandOptions& o) { o.json("print the settings as JSON"); },
                                cmd_config,
                                false,
                                "Config files: /etc/gridbackup/config.toml, then ~/.config/gridbackup/config.toml (TOML; each key of the "
                                "user's file replaces the system's). Precedence: flag > environment > user file > system file > default."};

}  // namespace gb
