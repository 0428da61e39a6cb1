// The USN agent's loop on a fake journal (the Win32 FSCTLs are not available
// on Linux, nor under wine): what reaches the spool, the recording and the
// cursor when the journal is missing, new, wrapped, or names an unknown
// directory. Also the change spool itself, the agent's boundary to the core.
#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "agents/windows/usn_agent.h"
#include "core/journal/recording.h"
#include "tests/scenarios/scenario.h"

using namespace gb;
using namespace gb::usn;

namespace {

struct FakeJournal : UsnJournalSource {
  uint32_t query_error = 0;
  JournalInfo info{0xabc, 1000, 1000};
  std::deque<std::pair<uint32_t, std::string>> reads;  // error, buffer
  std::map<FileId, std::string> dirs;                  // what OpenFileById would find
  int resolves = 0;
  uint32_t query(JournalInfo& out) override {
    out = info;
    return query_error;
  }
  uint32_t read(uint64_t, int64_t start, std::string& buffer) override {
    if (reads.empty()) {
      buffer.assign(8, '\0');
      for (int i = 0; i < 8; ++i) buffer[i] = static_cast<char>(static_cast<uint64_t>(start) >> (8 * i));
      return 0;
    }
    auto [e, b] = reads.front();
    reads.pop_front();
    buffer = b;
    return e;
  }
  std::optional<std::string> resolve(const FileId& frn, bool& is_dir) override {
    ++resolves;
    is_dir = true;
    auto it = dirs.find(frn);
    return it == dirs.end() ? std::nullopt : std::optional(it->second);
  }
  std::string error_text(uint32_t e) override { return e == 50 ? "Request not supported" : "error"; }
};

std::string buffer(int64_t next, const std::vector<std::string>& records) {
  std::string b(8, '\0');
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(static_cast<uint64_t>(next) >> (8 * i));
  for (const auto& r : records) b += r;
  return b;
}

std::string rec(int64_t at, uint64_t frn, uint64_t parent, const char* name, uint32_t reason) {
  UsnRecord r;
  r.usn = at;
  r.frn = {frn, 0};
  r.parent_frn = {parent, 0};
  r.name = utf8_to_utf16(name);
  r.reason = reason;
  return encode_usn_record(r);
}

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "gb-usn-agent-test";
  FakeJournal journal;
  std::vector<std::string> log;
  UsnAgentOptions options() {
    UsnAgentOptions o;
    o.cursor_path = (dir / "C.usn-cursor").string();
    o.spool_dir = (dir / "spool").string();
    o.record_path = (dir / "C.rec").string();
    o.fs_id = "7a3c19e2";
    return o;
  }
  Fixture() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  std::vector<ChangeRecord> spooled() {
    std::vector<ChangeRecord> out;
    for (const auto& s : list_spool_segments(options().spool_dir)) CHECK(read_spool_segment(s, out));
    return out;
  }
  std::unique_ptr<UsnAgent> agent() {
    auto a = std::make_unique<UsnAgent>(journal, options(), [this](const std::string& s) { log.push_back(s); });
    REQUIRE(a->open());
    return a;
  }
};

}  // namespace

TEST_CASE("usn agent: no journal (wine's error 50) -> one sentence, one Overflow, recorded") {
  Fixture f;
  f.journal.query_error = 50;
  {
    auto agent = f.agent();
    CHECK(agent->poll() == UsnAgent::Step::Unavailable);
    CHECK(agent->poll() == UsnAgent::Step::Unavailable);  // said once, not every minute
  }
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0] == "the USN journal of C:\\ is not available (Request not supported, error 50): the next backup scans the volume in full");
  auto records = f.spooled();
  REQUIRE(records.size() == 1);
  CHECK(records[0].kind == ChangeKind::Overflow);
  CHECK(records[0].path == "C:\\");
  CHECK(records[0].fs_id == "7a3c19e2");
  Recording rec;
  REQUIRE(decode_recording(scenario::read_file(f.options().record_path), rec));
  CHECK(rec.dialect == "usn");
  CHECK(rec.context.at("volume") == "C:\\");
  REQUIRE(rec.events.size() == 1);
  CHECK(rec.events[0].bytes.rfind("gb-usn unavailable ", 0) == 0);
}

TEST_CASE("usn agent: first run rescans, then follows the journal, a restart resumes without a rescan") {
  Fixture f;
  f.journal.reads.push_back(
      {0, buffer(1200, {rec(1000, 0x41, 0x0005000000000005, "f", kFileCreate), rec(1100, 0x41, 0x0005000000000005, "f", kFileCreate | kClose)})});
  {
    auto agent = f.agent();
    CHECK(agent->poll() == UsnAgent::Step::Progress);
    CHECK(agent->poll() == UsnAgent::Step::Idle);
  }
  auto records = f.spooled();
  REQUIRE(records.size() == 2);
  CHECK(records[0].kind == ChangeKind::Overflow);  // no saved position: a first full scan
  CHECK(records[1].kind == ChangeKind::Created);
  CHECK(records[1].path == "C:\\f");
  CHECK(load_cursor(f.options().cursor_path) == UsnCursor{0xabc, 1200});

  f.journal.info = {0xabc, 1000, 1300};
  f.journal.reads.push_back({0, buffer(1300, {rec(1200, 0x41, 0x0005000000000005, "f", kDataExtend)})});
  {
    auto agent = f.agent();
    CHECK(agent->poll() == UsnAgent::Step::Progress);
  }
  records = f.spooled();
  REQUIRE(records.size() == 3);
  CHECK(records[2].kind == ChangeKind::Modified);
  CHECK(list_spool_segments(f.options().spool_dir).size() == 2);  // a restart starts a new segment
}

TEST_CASE("usn agent: a journal that wrapped past us while reading -> journal reset, Overflow") {
  Fixture f;
  REQUIRE(save_cursor(f.options().cursor_path, {0xabc, 1000}));
  f.journal.reads.push_back({kErrorJournalEntryDeleted, ""});
  auto agent = f.agent();
  CHECK(agent->poll() == UsnAgent::Step::Progress);
  f.journal.info = {0xabc, 90000, 95000};
  CHECK(agent->poll() == UsnAgent::Step::Idle);
  auto records = f.spooled();
  REQUIRE(records.size() == 1);
  CHECK(records[0].kind == ChangeKind::Overflow);
  CHECK(f.log.back().find("wrapped past our position 1000") != std::string::npos);
  CHECK(load_cursor(f.options().cursor_path) == UsnCursor{0xabc, 95000});
}

TEST_CASE("usn agent: an unknown parent is resolved by the glue, and the answer is recorded") {
  Fixture f;
  REQUIRE(save_cursor(f.options().cursor_path, {0xabc, 1000}));
  f.journal.dirs[FileId{0x77, 0}] = "C:\\Users\\ann";
  f.journal.reads.push_back({0, buffer(1100, {rec(1000, 0x78, 0x77, "notes.txt", kDataExtend), rec(1050, 0x79, 0x66, "gone.txt", kDataExtend)})});
  auto agent = f.agent();
  CHECK(agent->poll() == UsnAgent::Step::Progress);
  auto records = f.spooled();
  REQUIRE(records.size() == 2);
  CHECK(records[0].path == "C:\\Users\\ann\\notes.txt");
  CHECK(records[1].kind == ChangeKind::RescanNeeded);  // 0x66 could not be opened: gone
  CHECK(f.journal.resolves == 2);
}

TEST_CASE("change spool: segments in order, a torn last record is left for later, other damage is reported") {
  auto dir = std::filesystem::temp_directory_path() / "gb-spool-test";
  std::filesystem::remove_all(dir);
  auto opened = ChangeSpoolWriter::open(dir.string());
  REQUIRE(opened);
  auto w = std::move(*opened);
  ChangeRecord r{"fs", "C:\\a", ChangeKind::Created, false, 5, 77};
  CHECK(w->append({r, r}));
  CHECK(w->rotate());
  CHECK(w->append({r}));
  auto segments = list_spool_segments(dir.string());
  REQUIRE(segments.size() == 2);
  CHECK(segments[0] < segments[1]);
  w.reset();
  // Tear the first segment's last record.
  std::string bytes = scenario::read_file(segments[0]);
  std::ofstream(segments[0], std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 3);
  std::vector<ChangeRecord> out;
  uint64_t end = 0;
  CHECK(read_spool_segment(segments[0], out, 0, &end));
  CHECK(out.size() == 1);
  CHECK(out[0] == r);
  CHECK(end == 6 + (bytes.size() - 6) / 2);  // the magic and the first of two equal records
  // A whole record of an unknown kind (99) is damage, not a tear.
  std::ofstream(segments[1], std::ios::binary | std::ios::app) << std::string("\x03\x00\x00\x00\x63\x00\x00", 7);
  out.clear();
  Status damaged = read_spool_segment(segments[1], out);
  CHECK(!damaged);
  CHECK((damaged ? ErrorKind::Io : damaged.error().kind) == ErrorKind::Corrupt);
  CHECK(out.size() == 1);
  auto again = ChangeSpoolWriter::open(dir.string());
  REQUIRE(again);
  CHECK(list_spool_segments(dir.string()).size() == 3);
  again->reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("change spool: the importer follows a growing segment, the writer rotates full ones") {
  auto dir = std::filesystem::temp_directory_path() / "gb-spool-grow-test";
  std::filesystem::remove_all(dir);
  auto opened = ChangeSpoolWriter::open(dir.string(), 100);
  REQUIRE(opened);
  auto w = std::move(*opened);
  std::vector<ChangeRecord> out;
  uint64_t end = 0;
  CHECK(read_spool_segment(w->segment_path(), out, 0, &end));  // only the magic yet
  CHECK(out.empty());
  CHECK(end == kChangeStreamMagic.size());
  ChangeRecord r{"fs", "C:\\dir\\file.txt", ChangeKind::Modified, false, 5, 77};
  CHECK(w->append({r}));
  CHECK(read_spool_segment(w->segment_path(), out, end, &end));
  CHECK(out.size() == 1);
  CHECK(w->append({r, r, r}));
  CHECK(read_spool_segment(w->segment_path(), out, end, &end));
  CHECK(out.size() == 4);
  CHECK(read_spool_segment(w->segment_path(), out, end, &end));  // nothing new
  CHECK(out.size() == 4);
  CHECK(w->append({r}));  // the first segment is past 100 bytes: a new one
  CHECK(list_spool_segments(dir.string()).size() == 2);
  w.reset();
  std::filesystem::remove_all(dir);
}
