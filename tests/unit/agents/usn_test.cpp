// The USN agent's portable part: record parsing (V2/V3, layout checked in
// usn_layout.h), reason names, names in UTF-16, the translator's rules and
// the cursor decision. Runs natively and under wine (scripts/windows-cross-test).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "agents/windows/usn_cursor.h"
#include "agents/windows/usn_record.h"
#include "agents/windows/usn_translator.h"

using namespace gb;
using namespace gb::usn;

namespace {

const FileId kRoot{0x0005000000000005, 0};

std::string rec(int64_t at, uint64_t frn, FileId parent, const char* name, uint32_t reason, bool dir = false) {
  UsnRecord r;
  r.usn = at;
  r.frn = {frn, 0};
  r.parent_frn = parent;
  r.name = utf8_to_utf16(name);
  r.reason = reason;
  r.attributes = dir ? kFileAttributeDirectory : 0x20;
  return encode_usn_record(r);
}

struct Run {
  std::unique_ptr<EventTranslator> t = make_usn_translator({{"volume", "C:\\"}, {"fs_id", "abcd"}});
  std::vector<ChangeRecord> out;
  std::vector<std::string> feed(const std::string& frame) {
    size_t before = out.size();
    t->translate(frame, 42, out);
    std::vector<std::string> lines;
    for (size_t i = before; i < out.size(); ++i) lines.push_back(describe(out[i]));
    return lines;
  }
};
using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("usn record: V2 round trip at the documented offsets") {
  UsnRecord r;
  r.frn = {0x0001000000000a01, 0};
  r.parent_frn = kRoot;
  r.usn = 4096;
  r.timestamp = 133'000'000'000'000'000;
  r.reason = kFileCreate | kClose;
  r.attributes = 0x20;
  r.name = u"report.docx";
  std::string b = encode_usn_record(r);
  CHECK(b.size() % 8 == 0);
  CHECK(b[4] == 2);
  CHECK(static_cast<uint8_t>(b[58]) == 60);  // FileNameOffset: the name starts at 60
  CHECK(b[60] == 'r');
  size_t used = 0;
  auto back = parse_usn_record(b, &used);
  REQUIRE(back);
  CHECK(used == b.size());
  CHECK(back->frn == r.frn);
  CHECK(back->parent_frn == r.parent_frn);
  CHECK(back->usn == 4096);
  CHECK(back->reason == (kFileCreate | kClose));
  CHECK(back->name == u"report.docx");
  CHECK(!back->is_dir());
}

TEST_CASE("usn record: V3 carries 128-bit file ids, the name starts at 76") {
  UsnRecord r;
  r.major_version = 3;
  r.frn = {0x77, 0x1122334455667788};
  r.parent_frn = {0x700, 1};
  r.usn = 4300;
  r.reason = kDataExtend;
  r.attributes = kFileAttributeDirectory;
  r.name = u"big.vhdx";
  std::string b = encode_usn_record(r);
  CHECK(static_cast<uint8_t>(b[74]) == 76);
  auto back = parse_usn_record(b);
  REQUIRE(back);
  CHECK(back->major_version == 3);
  CHECK(back->frn == r.frn);
  CHECK(back->parent_frn == r.parent_frn);
  CHECK(back->is_dir());
  CHECK(to_hex(back->frn) == "11223344556677880000000000000077");
  CHECK(file_id_from_hex("11223344556677880000000000000077") == back->frn);
}

TEST_CASE("usn record: damaged bytes are refused, never misread") {
  std::string b = rec(1, 2, kRoot, "name", kFileCreate);
  CHECK(!parse_usn_record(b.substr(0, 59)));
  std::string v4 = b;
  v4[4] = 4;
  CHECK(!parse_usn_record(v4));
  std::string long_name = b;
  long_name[56] = 100;  // FileNameLength past the record
  CHECK(!parse_usn_record(long_name));
  std::string long_record = b;
  long_record[0] = static_cast<char>(200);  // RecordLength past the buffer
  CHECK(!parse_usn_record(long_record));
}

TEST_CASE("usn record: a read buffer splits into records, a bad length stops the split") {
  std::string buf(8, '\0');
  buf[0] = static_cast<char>(0x88);
  std::string a = rec(1, 2, kRoot, "a", kFileCreate), b = rec(2, 3, kRoot, "bb", kClose);
  std::string whole = buf + a + b;
  int64_t next = 0;
  std::vector<std::string_view> records;
  CHECK(split_read_buffer(whole, next, records));
  CHECK(next == 0x88);
  REQUIRE(records.size() == 2);
  CHECK(records[1] == b);
  records.clear();
  CHECK(!split_read_buffer(whole.substr(0, whole.size() - 3), next, records));
  CHECK(records.size() == 1);
}

TEST_CASE("usn record: reason names both ways") {
  CHECK(reason_names(kFileCreate | kDataExtend | kClose) == "DATA_EXTEND|FILE_CREATE|CLOSE");
  CHECK(reason_names(0x02000000) == "0x2000000");
  CHECK(reason_from_names("RENAME_NEW_NAME|CLOSE") == (kRenameNewName | kClose));
  CHECK(!reason_from_names("RENAME_SIDEWAYS"));
}

TEST_CASE("usn record: UTF-16 names, surrogate pairs and unpaired surrogates") {
  CHECK(utf16_to_utf8(u"über-日本-𝄞") == "über-日本-𝄞");
  CHECK(utf8_to_utf16("über-日本-𝄞") == u"über-日本-𝄞");
  // An unpaired surrogate (legal in NTFS names) keeps its own bytes (WTF-8).
  std::u16string odd = u"a";
  odd.push_back(static_cast<char16_t>(0xd800));
  CHECK(utf16_to_utf8(odd) == "a\xed\xa0\x80");
  CHECK(utf8_to_utf16(utf16_to_utf8(odd)) == odd);
}

TEST_CASE("usn translator: create, write and close report each change once, and again at CLOSE") {
  Run run;
  CHECK(run.feed(rec(1, 0x40, kRoot, "a", kFileCreate, true)) == Lines{"created dir C:\\x5ca"});
  CHECK(run.feed(rec(2, 0x40, kRoot, "a", kFileCreate | kClose, true)).empty());
  FileId a{0x40, 0};
  CHECK(run.feed(rec(3, 0x41, a, "f", kFileCreate)) == Lines{"created file C:\\x5ca\\x5cf"});
  CHECK(run.feed(rec(4, 0x41, a, "f", kFileCreate | kDataExtend)) == Lines{"modified file C:\\x5ca\\x5cf"});
  CHECK(run.feed(rec(5, 0x41, a, "f", kFileCreate | kDataExtend | kClose)) == Lines{"modified file C:\\x5ca\\x5cf"});
  REQUIRE(run.out.size() == 4);
  CHECK(run.out[0].path == "C:\\a");
  CHECK(run.out[0].fs_id == "abcd");
  CHECK(run.out[3].position == 5);
  CHECK(run.out[3].time_ns == 42);
}

TEST_CASE("usn translator: a file open for days is reported at its first write, not only at CLOSE") {
  Run run;
  CHECK(run.feed(rec(1, 0x50, kRoot, "db", kDataOverwrite)) == Lines{"modified file C:\\x5cdb"});
  // Later writes in the same session add no record; the CLOSE days later reports again.
  CHECK(run.feed(rec(9, 0x50, kRoot, "db", kDataOverwrite | kDataExtend | kClose)) == Lines{"modified file C:\\x5cdb"});
}

TEST_CASE("usn translator: a directory rename moves the paths of everything below it") {
  Run run;
  FileId d{0x70, 0};
  run.feed(rec(1, 0x70, kRoot, "photos", kFileCreate | kClose, true));
  CHECK(run.feed(rec(2, 0x70, kRoot, "photos", kRenameOldName, true)) == Lines{"renamed-from dir C:\\x5cphotos"});
  CHECK(run.feed(rec(3, 0x70, kRoot, "pictures", kRenameNewName, true)) == Lines{"renamed-to dir C:\\x5cpictures"});
  CHECK(run.feed(rec(4, 0x70, kRoot, "pictures", kRenameNewName | kClose, true)).empty());
  CHECK(run.feed(rec(5, 0x71, d, "cat.jpg", kDataOverwrite)) == Lines{"modified file C:\\x5cpictures\\x5ccat.jpg"});
  // A second rename in one open session is still reported.
  CHECK(run.feed(rec(6, 0x70, kRoot, "pictures", kRenameOldName, true)).size() == 1);
  CHECK(run.feed(rec(7, 0x70, kRoot, "pics", kRenameNewName, true)) == Lines{"renamed-to dir C:\\x5cpics"});
}

TEST_CASE("usn translator: delete, hard link, metadata and unknown reasons") {
  Run run;
  run.feed(rec(1, 0x90, kRoot, "x", kFileCreate | kClose));
  CHECK(run.feed(rec(2, 0x90, kRoot, "y", kHardLinkChange)) == Lines{"attrib file C:\\x5cx", "created file C:\\x5cy"});
  CHECK(run.feed(rec(3, 0x90, kRoot, "y", kSecurityChange | kBasicInfoChange | kEaChange)) == Lines{"attrib file C:\\x5cy"});
  CHECK(run.feed(rec(4, 0x90, kRoot, "y", kFileDelete | kClose)) == Lines{"deleted file C:\\x5cy"});
  CHECK(run.feed(rec(5, 0x91, kRoot, "z", 0x02000000)) == Lines{"rescan-needed file C:\\x5cz"});
}

TEST_CASE("usn translator: the root directory's own records keep it the root") {
  Run run;
  CHECK(run.feed(rec(1, kRoot.low, kRoot, ".", kBasicInfoChange, true)) == Lines{"attrib dir C:\\x5c"});
  CHECK(run.feed(rec(2, 0x41, kRoot, "f", kDataExtend)) == Lines{"modified file C:\\x5cf"});
}

TEST_CASE("usn translator: an unknown parent is a rescan of the volume until the glue names it") {
  Run run;
  FileId unknown{0x1234, 0};
  CHECK(run.feed(rec(1, 0x99, unknown, "f", kDataExtend)) == Lines{"rescan-needed dir C:\\x5c"});
  CHECK(run.feed("gb-usn frn 0000000000001234 dir C:\\Users\\ann").empty());
  CHECK(run.feed(rec(2, 0x99, unknown, "f", kDataExtend | kClose)) == Lines{"modified file C:\\x5cUsers\\x5cann\\x5cf"});
}

TEST_CASE("usn translator: journal reset, unavailable journal and unreadable frames") {
  Run run;
  FileId d{0x70, 0};
  run.feed(rec(1, 0x70, kRoot, "d", kFileCreate | kClose, true));
  CHECK(run.feed("gb-usn journal-reset the journal was recreated") == Lines{"overflow dir C:\\x5c"});
  // The FRN cache went with the lost events: d is unknown again.
  CHECK(run.feed(rec(2, 0x71, d, "f", kDataExtend)) == Lines{"rescan-needed dir C:\\x5c"});
  CHECK(run.feed("gb-usn unavailable no journal") == Lines{"overflow dir C:\\x5c"});
  CHECK(run.feed("gb-usn something new") == Lines{"overflow dir C:\\x5c"});
  CHECK(run.feed("garbage") == Lines{"rescan-needed dir C:\\x5c"});
}

TEST_CASE("usn translator: seeded directories from the recording's context") {
  auto t = make_usn_translator({{"volume", "D:\\"}, {"root_frn", "5"}, {"dir.00000000000000010000000000000700", "D:\\docs"}});
  std::vector<ChangeRecord> out;
  t->translate(rec(1, 0x9, FileId{5, 0}, "top", kDataExtend), 1, out);
  UsnRecord r;
  r.major_version = 3;
  r.frn = {0x701, 1};
  r.parent_frn = {0x700, 1};
  r.reason = kDataOverwrite;
  r.name = u"report.docx";
  t->translate(encode_usn_record(r), 2, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].path == "D:\\top");
  CHECK(out[1].path == "D:\\docs\\report.docx");
}

TEST_CASE("usn cursor: resume only on the same journal with our position still in it") {
  JournalInfo j{0xabc, 1000, 5000};
  auto first = decide_start(std::nullopt, j);
  CHECK(!first.resume);
  CHECK(first.start == UsnCursor{0xabc, 5000});
  CHECK(decide_start(UsnCursor{0xabc, 1000}, j).resume);
  CHECK(decide_start(UsnCursor{0xabc, 5000}, j).start == UsnCursor{0xabc, 5000});
  auto recreated = decide_start(UsnCursor{0xdef, 3000}, j);
  CHECK(!recreated.resume);
  CHECK(recreated.why.find("recreated") != std::string::npos);
  auto wrapped = decide_start(UsnCursor{0xabc, 999}, j);
  CHECK(!wrapped.resume);
  CHECK(wrapped.why.find("wrapped") != std::string::npos);
  CHECK(!decide_start(UsnCursor{0xabc, 5001}, j).resume);
}

TEST_CASE("usn cursor: saved and loaded, a damaged file is no cursor") {
  auto dir = std::filesystem::temp_directory_path() / "gb-usn-cursor-test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "C.usn-cursor").string();
  CHECK(!load_cursor(path + ".missing"));
  REQUIRE(save_cursor(path, {0x1d2c3b4a59687766, 123456789}));
  CHECK(save_cursor(path, {0x1d2c3b4a59687766, 123456790}));  // replaces
  CHECK(load_cursor(path) == UsnCursor{0x1d2c3b4a59687766, 123456790});
  { std::ofstream(path, std::ios::trunc) << "gridbackup-usn-cursor 1\njournal_id zz\nnext_usn 5\n"; }
  CHECK(!load_cursor(path));
  std::filesystem::remove_all(dir);
  CHECK(journal_unavailable(50));
  CHECK(journal_unavailable(1179));
  CHECK(!journal_unavailable(kErrorJournalEntryDeleted));
}
