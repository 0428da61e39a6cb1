// The FSEvents agent's persisted position: the last event id whose records
// are in the spool, with the volume UUID the ids belong to. On restart the
// stream is created with sinceWhen = that id, so fseventsd replays what
// happened while the agent was down (ending with a HistoryDone event).
// Standard library only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "agents/macos/fsevents_event.h"

namespace gb::fsevents {

inline constexpr uint64_t kSinceNow = 0xFFFFFFFFFFFFFFFFull;  // kFSEventStreamEventIdSinceNow

struct FsEventsCursor {
  std::string volume_uuid;  // FSEventsCopyUUIDForDevice: changes when the event database is reset
  uint64_t event_id = 0;
  bool operator==(const FsEventsCursor&) const = default;
};

struct FsEventsStart {
  bool resume = false;  // false: a full scan of the root is needed first
  uint64_t since_when = kSinceNow;
  std::string why;  // when !resume
};

// Resume from `saved` when its ids belong to the volume's current event
// database; otherwise start now and scan in full.
FsEventsStart decide_start(const std::optional<FsEventsCursor>& saved, const std::string& volume_uuid);

// Follows the stream: the id to persist after the records of the events
// seen so far are spooled. After EventIdsWrapped, ids start again from a
// small number, so the last id seen is what counts, not the largest.
class SinceWhenTracker {
 public:
  explicit SinceWhenTracker(uint64_t start) : id_(start == kSinceNow ? 0 : start) {}
  void saw(const FsEvent& e);
  uint64_t since_when() const { return id_; }
  bool history_done() const { return history_done_; }  // the replay since sinceWhen is over

 private:
  uint64_t id_;
  bool history_done_ = false;
};

// "gridbackup-fsevents-cursor 1", "volume_uuid <uuid>", "event_id <decimal>";
// written to a temporary file and renamed into place.
std::optional<FsEventsCursor> load_cursor(const std::string& path);
bool save_cursor(const std::string& path, const FsEventsCursor& c);

}  // namespace gb::fsevents
