#include "core/journal/recording.h"

namespace gb {
namespace {

void put_u32(uint32_t n, std::string& out) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
}
void put_u64(uint64_t n, std::string& out) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
}
void put_string(std::string_view s, std::string& out) {
  put_u32(static_cast<uint32_t>(s.size()), out);
  out.append(s);
}

struct Cursor {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint64_t fixed(int bytes) {
    if (!ok || data.size() - pos < static_cast<size_t>(bytes)) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    pos += bytes;
    return v;
  }
  std::string string() {
    uint64_t n = fixed(4);
    if (!ok || n > data.size() - pos) {
      ok = false;
      return {};
    }
    std::string s(data.substr(pos, n));
    pos += n;
    return s;
  }
};

}  // namespace

const std::string_view kRecordingMagic = "GBREC1\n";

std::string encode_recording_header(const std::string& dialect, const std::map<std::string, std::string>& context) {
  std::string out(kRecordingMagic);
  put_string(dialect, out);
  put_u32(static_cast<uint32_t>(context.size()), out);
  for (const auto& [k, v] : context) {
    put_string(k, out);
    put_string(v, out);
  }
  return out;
}

std::string encode_recording_frame(const RecordedEvent& e) {
  std::string out;
  put_u64(static_cast<uint64_t>(e.time_ns), out);
  put_string(e.bytes, out);
  return out;
}

std::string encode_recording(const Recording& r) {
  std::string out = encode_recording_header(r.dialect, r.context);
  for (const auto& e : r.events) out += encode_recording_frame(e);
  return out;
}

bool decode_recording(std::string_view data, Recording& out, std::string& error) {
  if (data.substr(0, kRecordingMagic.size()) != kRecordingMagic) {
    error = "not a GridBackup recording (no GBREC1 header)";
    return false;
  }
  Cursor c{data, kRecordingMagic.size()};
  out.dialect = c.string();
  uint64_t n = c.fixed(4);
  for (uint64_t i = 0; c.ok && i < n; ++i) {
    std::string k = c.string();
    out.context[k] = c.string();
  }
  if (!c.ok) {
    error = "the recording's header is damaged";
    return false;
  }
  while (c.pos < data.size()) {
    RecordedEvent e;
    e.time_ns = static_cast<int64_t>(c.fixed(8));
    e.bytes = c.string();
    if (!c.ok) {
      // A recorder killed mid-frame leaves a torn last frame: keep the prefix.
      error = "the recording ends in a torn frame after " + std::to_string(out.events.size()) + " events";
      return false;
    }
    out.events.push_back(std::move(e));
  }
  return true;
}

}  // namespace gb
