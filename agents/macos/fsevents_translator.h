// The "fsevents" dialect: FSEvents file-level events -> portable change
// records. Each frame is one event (fsevents_event.h). The rules are
// stat-free, so a recording translates the same anywhere; fsevents_translator.cpp
// says why each flag maps as it does.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "core/journal/translator.h"

namespace gb {

// Context keys (all strings):
//   root   the watched root, absolute ("/Users/ann"); Overflow and
//          RootChanged name it (required)
//   fs_id  the volume's UUID (goes into every ChangeRecord)
std::unique_ptr<EventTranslator> make_fsevents_translator(const std::map<std::string, std::string>& context);

}  // namespace gb
