// The "fanotify" dialect's translator: FanotifyEvent frames -> change records.
// Pure (no system calls), so recordings made on one machine translate the
// same anywhere.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "core/journal/translator.h"

namespace gb {

// Context keys (a recording's header, or what the live agent knows):
//   "roots"  - the watched backup roots, one per line. FAN_MARK_FILESYSTEM
//              reports the whole filesystem; events outside every root are
//              dropped here.
//   "fs_ids" - optional, one per line in step with "roots": each root's fsid
//              (hex). Used to find the roots an unresolved event may touch;
//              without it, every root is rescanned.
// Records carry the event's fsid; `position` is the event's number in the
// stream (1, 2, ...): fanotify has no persistent journal position.
std::unique_ptr<EventTranslator> make_fanotify_translator(const std::map<std::string, std::string>& context);

}  // namespace gb
