#include "agents/replay/dialects.h"

// Every agent's translator is pure and portable, so every build of the
// replay tool carries all three dialects.
#include "agents/linux/fanotify_translator.h"
#include "agents/macos/fsevents_translator.h"
#include "agents/windows/usn_translator.h"

namespace gb {
namespace {

using Factory = std::unique_ptr<EventTranslator> (*)(const std::map<std::string, std::string>&);

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table = {
      {"fanotify", make_fanotify_translator},
      {"usn", make_usn_translator},
      {"fsevents", make_fsevents_translator},
  };
  return table;
}

}  // namespace

std::unique_ptr<EventTranslator> make_translator(const std::string& dialect, const std::map<std::string, std::string>& context) {
  auto it = factories().find(dialect);
  return it == factories().end() ? nullptr : it->second(context);
}

std::vector<std::string> known_dialects() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories()) names.push_back(name);
  return names;
}

}  // namespace gb
