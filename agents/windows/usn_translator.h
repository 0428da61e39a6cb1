// The "usn" dialect: NTFS change-journal records -> portable change records.
//
// A frame of a "usn" recording is either one raw USN_RECORD_V2/V3 exactly as
// FSCTL_READ_USN_JOURNAL returned it, or one of the agent's own text notes
// (docs/FORMAT.md, "Recordings"), which start with "gb-usn ":
//   gb-usn frn <hex frn> dir|file <path>  the glue resolved an FRN the
//                                         translator did not know (OpenFileById)
//   gb-usn journal-reset <why>            the cursor cannot continue (journal
//                                         recreated, wrapped past us, first run)
//   gb-usn unavailable <why>              no journal on this volume (or wine)
// Both of the last two become an Overflow of the volume: a full scan.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "agents/windows/usn_record.h"
#include "core/journal/translator.h"

namespace gb {

inline constexpr std::string_view kUsnNotePrefix = "gb-usn ";

// Context keys (all strings):
//   volume    the volume's root path, "C:\" (required; records' paths start with it)
//   fs_id     the volume serial number, hex (goes into every ChangeRecord)
//   root_frn  the root directory's FRN, hex (default 0005000000000005, NTFS's MFT record 5)
//   dir.<hex frn> = <path>   directories known when the recording started
std::unique_ptr<EventTranslator> make_usn_translator(const std::map<std::string, std::string>& context);

class UsnTranslator : public EventTranslator {
 public:
  explicit UsnTranslator(const std::map<std::string, std::string>& context);
  void translate(std::string_view raw, int64_t time_ns, std::vector<ChangeRecord>& out) override;
  // Whether a record under this parent resolves to a path; the glue asks
  // before translating and, if not, resolves it and feeds a "frn" note.
  bool knows(const usn::FileId& frn) const;
  const std::string& volume() const { return volume_; }

 private:
  struct Entry {
    usn::FileId parent;
    std::string name;  // UTF-8
    bool is_dir = false;
    std::string absolute;  // set for anchors (the root, seeds, notes): the full path
  };
  std::optional<std::string> path_of(const usn::FileId& frn) const;
  void note(std::string_view text, int64_t time_ns, std::vector<ChangeRecord>& out);
  void record(const usn::UsnRecord& r, int64_t time_ns, std::vector<ChangeRecord>& out);
  void forget_all();

  std::string volume_, fs_id_;
  usn::FileId root_;
  std::map<usn::FileId, Entry> entries_;      // FRN -> where it lives (directories and files)
  std::map<usn::FileId, uint32_t> reported_;  // reason bits already reported since the FRN's last CLOSE
  uint64_t last_usn_ = 0;
};

}  // namespace gb
