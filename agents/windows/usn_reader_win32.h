// The Win32 side of UsnJournalSource: a volume handle and the journal FSCTLs.
// Windows only (mingw-w64); everything it returns is interpreted by the
// portable UsnAgent.
#pragma once
#include <windows.h>

#include "agents/windows/usn_agent.h"

namespace gb {

class Win32UsnJournal : public UsnJournalSource {
 public:
  // `volume` is the root path, "C:\". Opening does not fail: a volume that
  // cannot be opened reports its error from query().
  explicit Win32UsnJournal(const std::string& volume);
  ~Win32UsnJournal() override;
  uint32_t query(usn::JournalInfo& out) override;
  uint32_t read(uint64_t journal_id, int64_t start, std::string& buffer) override;
  std::optional<std::string> resolve(const usn::FileId& frn, bool& is_dir) override;
  std::string error_text(uint32_t win32_error) override;
  // The volume serial number as hex (GetVolumeInformationW), "" if unknown.
  std::string serial() const;

 private:
  std::wstring root_;  // L"C:\\"
  HANDLE volume_ = INVALID_HANDLE_VALUE;
  uint32_t open_error_ = 0;
};

std::wstring widen(const std::string& utf8);
std::string narrow(const std::wstring& wide);

}  // namespace gb
