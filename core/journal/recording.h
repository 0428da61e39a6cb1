// Recordings: an agent's raw native event stream saved to a portable file, so
// a bug seen on one machine can be replayed into a core anywhere
// (agents/replay). Standard library only, like change_record.h, so every
// agent can write one.
//
// A recording is the magic "GBREC1\n", a header (dialect name and context
// key/value pairs — e.g. the watched root, the volume's root path, the FRN of
// a volume's root directory), then frames: each one raw native event with the
// wall-clock time it was read. The bytes of a frame are the dialect's own
// (docs/FORMAT.md, "Recordings"); only that dialect's translator reads them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct RecordedEvent {
  int64_t time_ns = 0;
  std::string bytes;  // one native event, in the dialect's encoding
};

struct Recording {
  std::string dialect;                         // "fanotify", "usn", "fsevents"
  std::map<std::string, std::string> context;  // what the translator needs besides the events
  std::vector<RecordedEvent> events;
};

extern const std::string_view kRecordingMagic;
std::string encode_recording(const Recording& r);
// Corrupt when the bytes are not a recording or are damaged; the error says
// where. A torn last frame (a recorder killed mid-write) leaves the whole
// frames before it in `out`; bytes that are no recording leave out.dialect empty.
Status decode_recording(std::string_view data, Recording& out);

// Streaming writer for a live agent: the header first, then one frame per
// event, flushed as it goes so a killed recorder leaves a readable prefix.
std::string encode_recording_header(const std::string& dialect, const std::map<std::string, std::string>& context);
std::string encode_recording_frame(const RecordedEvent& e);

}  // namespace gb
