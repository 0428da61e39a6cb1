// The Win32 glue under wine (or on Windows): what wine implements of it.
// Wine opens the volume but fails both journal FSCTLs with error 50
// (ERROR_NOT_SUPPORTED); the agent must then ask for a full scan, in one
// sentence, and spool an Overflow. Built only by the mingw cross build.
#include <doctest/doctest.h>

#include <filesystem>

#include "agents/windows/usn_reader_win32.h"

using namespace gb;

namespace {

bool under_wine() { return GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr; }

}  // namespace

TEST_CASE("win32 glue: the journal of C: is unavailable under wine (error 50)") {
  Win32UsnJournal journal("C:\\");
  usn::JournalInfo info;
  uint32_t e = journal.query(info);
  if (under_wine()) {
    CHECK(e == 50);
    CHECK(usn::journal_unavailable(e));
    std::string buf;
    CHECK(journal.read(1, 0, buf) == 50);
  }
  CHECK(!journal.error_text(50).empty());
  CHECK(journal.error_text(50).back() != '\n');
}

TEST_CASE("win32 glue: the agent on wine's journal requests a full scan and spools an Overflow") {
  if (!under_wine()) return;  // on Windows with a journal this would follow the real journal
  auto dir = std::filesystem::temp_directory_path() / "gb-win32-agent-test";
  std::filesystem::remove_all(dir);
  {
    Win32UsnJournal journal("C:\\");
    UsnAgentOptions o;
    o.spool_dir = (dir / "spool").string();
    o.cursor_path = (dir / "C.usn-cursor").string();
    o.fs_id = journal.serial();
    std::vector<std::string> log;
    UsnAgent agent(journal, o, [&](const std::string& s) { log.push_back(s); });
    REQUIRE(agent.open());
    CHECK(agent.poll() == UsnAgent::Step::Unavailable);
    REQUIRE(log.size() == 1);
    CHECK(log[0].find("is not available") != std::string::npos);
    CHECK(log[0].find("error 50") != std::string::npos);
    std::vector<ChangeRecord> records;
    auto segments = list_spool_segments(o.spool_dir);
    REQUIRE(segments.size() == 1);
    CHECK(read_spool_segment(segments[0], records));
    REQUIRE(records.size() == 1);
    CHECK(records[0].kind == ChangeKind::Overflow);
    CHECK(records[0].path == "C:\\");
  }  // the agent closes its spool segment: Windows cannot delete an open file
  std::filesystem::remove_all(dir);
}

TEST_CASE("win32 glue: an FRN that does not exist resolves to nothing, UTF-8 <-> UTF-16") {
  Win32UsnJournal journal("C:\\");
  bool is_dir = false;
  CHECK(!journal.resolve({0x7fff00000000fff1, 0}, is_dir));
  CHECK(narrow(widen("über-日本-𝄞")) == "über-日本-𝄞");
}
