#include "core/journal/recording.h"

#include "core/common/le_codec.h"

namespace gb {

const std::string_view kRecordingMagic = "GBREC1\n";

std::string encode_recording_header(const std::string& dialect, const std::map<std::string, std::string>& context) {
  std::string out(kRecordingMagic);
  put_le_string(dialect, out);
  put_le(context.size(), 4, out);
  for (const auto& [k, v] : context) {
    put_le_string(k, out);
    put_le_string(v, out);
  }
  return out;
}

std::string encode_recording_frame(const RecordedEvent& e) {
  std::string out;
  put_le(static_cast<uint64_t>(e.time_ns), 8, out);
  put_le_string(e.bytes, out);
  return out;
}

std::string encode_recording(const Recording& r) {
  std::string out = encode_recording_header(r.dialect, r.context);
  for (const auto& e : r.events) out += encode_recording_frame(e);
  return out;
}

Status decode_recording(std::string_view data, Recording& out) {
  out = Recording{};
  if (data.substr(0, kRecordingMagic.size()) != kRecordingMagic)
    return make_error(ErrorKind::Corrupt, "not a GridBackup recording (no GBREC1 header)");
  LeReader c{data, kRecordingMagic.size()};
  out.dialect = c.string();
  uint64_t n = c.fixed(4);
  for (uint64_t i = 0; c.ok && i < n; ++i) {
    std::string k = c.string();
    out.context[k] = c.string();
  }
  if (!c.ok) {
    out.dialect.clear();
    return make_error(ErrorKind::Corrupt, "the recording's header is damaged");
  }
  while (!c.at_end()) {
    RecordedEvent e;
    e.time_ns = static_cast<int64_t>(c.fixed(8));
    e.bytes = c.string();
    // A recorder killed mid-frame leaves a torn last frame: keep the prefix.
    if (!c.ok) return make_error(ErrorKind::Corrupt, "the recording ends in a torn frame after " + std::to_string(out.events.size()) + " events");
    out.events.push_back(std::move(e));
  }
  return {};
}

}  // namespace gb
