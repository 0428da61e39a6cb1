// The USN agent's loop, portable: query the journal, decide where to resume,
// read records, resolve unknown directories, translate, spool, persist the
// cursor. The Win32 calls sit behind UsnJournalSource (usn_reader_win32.cpp
// on Windows; a fake in the unit tests), so everything here runs on Linux.
#pragma once
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agents/windows/usn_cursor.h"
#include "agents/windows/usn_translator.h"
#include "core/journal/change_spool.h"

namespace gb {

class UsnJournalSource {
 public:
  virtual ~UsnJournalSource() = default;
  // 0 or the Win32 error of FSCTL_QUERY_USN_JOURNAL.
  virtual uint32_t query(usn::JournalInfo& out) = 0;
  // FSCTL_READ_USN_JOURNAL from `start` (waits briefly for new records):
  // 0 and the raw output (next USN + records), or the Win32 error.
  virtual uint32_t read(uint64_t journal_id, int64_t start, std::string& buffer) = 0;
  // The path of a file or directory by FRN (OpenFileById +
  // GetFinalPathNameByHandleW), or nullopt when it is gone or unreadable.
  virtual std::optional<std::string> resolve(const usn::FileId& frn, bool& is_dir) = 0;
  virtual std::string error_text(uint32_t win32_error) = 0;
};

struct UsnAgentOptions {
  std::string volume = "C:\\";  // the volume root the records' paths start with
  std::string fs_id;            // the volume serial number, hex
  std::string root_frn = "0005000000000005";
  std::string cursor_path;  // the persisted journal id + next USN
  std::string spool_dir;    // change-record segments for the core
  std::string record_path;  // if set: also write a "usn" recording of every frame here
};

class UsnAgent {
 public:
  using Log = std::function<void(const std::string&)>;
  UsnAgent(UsnJournalSource& source, UsnAgentOptions options, Log log);
  ~UsnAgent();
  Status open();

  enum class Step {
    Progress,     // records were read and spooled
    Idle,         // nothing new
    Unavailable,  // no usable journal: a full scan was requested; try again later
    Failed,       // the spool cannot be written: stop
  };
  Step poll();

 private:
  void frame(std::string_view bytes);
  bool flush();
  Step unavailable(uint32_t error);

  UsnJournalSource& source_;
  UsnAgentOptions options_;
  Log log_;
  UsnTranslator translator_;
  std::unique_ptr<ChangeSpoolWriter> spool_;
  std::FILE* recording_ = nullptr;
  std::vector<ChangeRecord> pending_;
  std::optional<usn::UsnCursor> cursor_;  // set while reading
  bool unavailable_reported_ = false;
  std::string wrapped_;  // set when a read found our position overwritten
};

}  // namespace gb
