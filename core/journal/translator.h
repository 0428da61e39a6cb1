// An event translator turns one dialect's raw native events into portable
// change records. Translation is pure: no system calls, only the events and
// the translator's own state (e.g. a USN agent's FRN -> path cache), so it is
// unit tested on recorded streams on every OS, including Linux CI.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/journal/change_record.h"

namespace gb {

class EventTranslator {
 public:
  virtual ~EventTranslator() = default;
  // Appends the records for one raw event. An event the translator cannot
  // parse or does not know becomes a RescanNeeded record (never a silent gap).
  virtual void translate(std::string_view raw, int64_t time_ns, std::vector<ChangeRecord>& out) = 0;
};

// The factories live with their agents (agents/linux, agents/windows,
// agents/macos); agents/replay maps a recording's dialect to one of them.

}  // namespace gb
