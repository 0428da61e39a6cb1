#include "agents/windows/usn_cursor.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace gb::usn {

StartDecision decide_start(const std::optional<UsnCursor>& saved, const JournalInfo& journal) {
  StartDecision d;
  d.start = {journal.journal_id, journal.next_usn};
  char buf[200];
  if (!saved) {
    d.why = "no saved position (first run or lost state)";
  } else if (saved->journal_id != journal.journal_id) {
    std::snprintf(buf, sizeof buf, "the journal was recreated (id %016" PRIx64 ", we had %016" PRIx64 ")", journal.journal_id, saved->journal_id);
    d.why = buf;
  } else if (saved->next_usn < journal.first_usn) {
    std::snprintf(buf, sizeof buf, "the journal wrapped past our position (first USN %" PRId64 ", we were at %" PRId64 ")", journal.first_usn,
                  saved->next_usn);
    d.why = buf;
  } else if (saved->next_usn > journal.next_usn) {
    std::snprintf(buf, sizeof buf, "our position %" PRId64 " is beyond the journal's end %" PRId64, saved->next_usn, journal.next_usn);
    d.why = buf;
  } else {
    d.resume = true;
    d.start = *saved;
  }
  return d;
}

std::optional<UsnCursor> load_cursor(const std::string& path) {
  std::ifstream in(path);
  std::string magic, version, k1, id, k2;
  UsnCursor c;
  if (!(in >> magic >> version >> k1 >> id >> k2 >> c.next_usn)) return std::nullopt;
  if (magic != "gridbackup-usn-cursor" || version != "1" || k1 != "journal_id" || k2 != "next_usn") return std::nullopt;
  // The id is written in hex (the one place a stored number is not decimal).
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), c.journal_id, 16);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return c;
}

bool save_cursor(const std::string& path, const UsnCursor& c) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    char buf[100];
    std::snprintf(buf, sizeof buf, "gridbackup-usn-cursor 1\njournal_id %016" PRIx64 "\nnext_usn %" PRId64 "\n", c.journal_id, c.next_usn);
    out << buf;
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // replaces: MoveFileExW(REPLACE_EXISTING) under mingw
  return !ec;
}

bool journal_unavailable(uint32_t e) { return e == 1 || e == 5 || e == 50 || e == 1178 || e == 1179; }

}  // namespace gb::usn
