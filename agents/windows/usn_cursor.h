// Where the USN agent continues: the journal id and the next USN, persisted
// after the records up to it are safely in the spool (a crash in between
// repeats records, never skips them). Standard library only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace gb::usn {

struct UsnCursor {
  uint64_t journal_id = 0;
  int64_t next_usn = 0;
  bool operator==(const UsnCursor&) const = default;
};

// FSCTL_QUERY_USN_JOURNAL's answer, the part the decision needs.
struct JournalInfo {
  uint64_t journal_id = 0;
  int64_t first_usn = 0;  // the oldest record still in the journal
  int64_t next_usn = 0;   // where the next record will be written
};

struct StartDecision {
  bool resume = false;  // false: events were lost, the volume needs a full scan
  UsnCursor start;
  std::string why;  // when !resume, one sentence for the log and the recording
};

// Resume from `saved` when the same journal still holds every record after
// it; otherwise (no cursor yet, the journal was deleted and recreated, or it
// wrapped past us) start at the journal's end and scan the volume in full.
StartDecision decide_start(const std::optional<UsnCursor>& saved, const JournalInfo& journal);

// The cursor file: "gridbackup-usn-cursor 1", "journal_id <hex>",
// "next_usn <decimal>", one per line. Saved by writing a temporary file and
// renaming it over the old one, so a crash leaves the old or the new cursor.
std::optional<UsnCursor> load_cursor(const std::string& path);
bool save_cursor(const std::string& path, const UsnCursor& c);

// Win32 errors of the journal FSCTLs that mean "no usable journal": the
// volume is not NTFS/ReFS (1, ERROR_INVALID_FUNCTION), it has no journal
// (1179, ERROR_JOURNAL_NOT_ACTIVE), one is being deleted (1178), wine does not
// implement it (50, ERROR_NOT_SUPPORTED), or we may not read it (5).
inline constexpr uint32_t kErrorJournalEntryDeleted = 1181;  // our start USN was overwritten: wrapped
bool journal_unavailable(uint32_t win32_error);

}  // namespace gb::usn
