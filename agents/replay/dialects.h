// A recording's dialect -> the translator for its frames.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/journal/translator.h"

namespace gb {

// Null for a dialect this build does not know.
std::unique_ptr<EventTranslator> make_translator(const std::string& dialect, const std::map<std::string, std::string>& context);
std::vector<std::string> known_dialects();

}  // namespace gb
