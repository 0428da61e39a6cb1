#include "agents/macos/fsevents_cursor.h"

#include <filesystem>
#include <fstream>

namespace gb::fsevents {

FsEventsStart decide_start(const std::optional<FsEventsCursor>& saved, const std::string& volume_uuid) {
  FsEventsStart s;
  if (!saved)
    s.why = "no saved event id (first run or lost state)";
  else if (saved->volume_uuid != volume_uuid)
    s.why = "the volume's event database changed (UUID " + volume_uuid + ", we had " + saved->volume_uuid + ")";
  else
    return {true, saved->event_id, {}};
  return s;
}

void SinceWhenTracker::saw(const FsEvent& e) {
  if (e.flags & kHistoryDone) history_done_ = true;
  if (e.id != 0 || (e.flags & kEventIdsWrapped)) id_ = e.id;
}

std::optional<FsEventsCursor> load_cursor(const std::string& path) {
  std::ifstream in(path);
  std::string magic, version, k1, k2;
  FsEventsCursor c;
  if (!(in >> magic >> version >> k1 >> c.volume_uuid >> k2 >> c.event_id)) return std::nullopt;
  if (magic != "gridbackup-fsevents-cursor" || version != "1" || k1 != "volume_uuid" || k2 != "event_id") return std::nullopt;
  return c;
}

bool save_cursor(const std::string& path, const FsEventsCursor& c) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "gridbackup-fsevents-cursor 1\nvolume_uuid " << c.volume_uuid << "\nevent_id " << c.event_id << "\n";
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace gb::fsevents
