#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/journal/change_spool.h"
#include "core/journal/spool_import.h"
#include "tests/unit/test_support.h"

using namespace gb;

namespace {
ChangeRecord rec(std::string path) { return {"vol", std::move(path), ChangeKind::Modified, false, 1, 2, 0}; }

std::vector<std::string> journal_paths(ChangeJournal& j) {
  std::vector<std::string> out;
  auto rows = j.read_since(0, 1000);
  for (const auto& row : *rows) out.push_back(row.record.path);
  return out;
}

// A journal in a scratch state dir and a spool writer beside it.
struct Spool {
  test::ScratchDir dir;
  std::string path = dir.path + "/spool";
  std::unique_ptr<ChangeJournal> journal = std::move(*ChangeJournal::open(dir.path + "/journal.db"));
  std::unique_ptr<ChangeSpoolWriter> writer = [&] {
    auto w = ChangeSpoolWriter::open(path);
    REQUIRE(w);
    return std::move(*w);
  }();
};
}  // namespace

TEST_CASE("a spool imports once, resumes a growing segment, and drops superseded segments") {
  Spool f;
  auto& [dir, spool, journal, writer] = f;
  REQUIRE(writer->append({rec("/a"), rec("/b")}));
  CHECK(*import_spool(*journal, spool) == 2);
  CHECK(*import_spool(*journal, spool) == 0);  // nothing new: nothing twice
  REQUIRE(writer->append({rec("/c")}));
  CHECK(*import_spool(*journal, spool) == 1);  // the growing segment, from where it stopped
  REQUIRE(writer->rotate());
  REQUIRE(writer->append({rec("/d")}));
  CHECK(*import_spool(*journal, spool) == 1);
  CHECK(list_spool_segments(spool).size() == 1);  // the finished segment is gone
  CHECK(journal_paths(*journal) == std::vector<std::string>{"/a", "/b", "/c", "/d"});
}

TEST_CASE("a damaged spool segment keeps the records before the damage and asks for a rescan") {
  Spool f;
  auto& [dir, spool, journal, writer] = f;
  REQUIRE(writer->append({rec("/ok")}));
  std::ofstream(writer->segment_path(), std::ios::app | std::ios::binary) << std::string("\x05\x00\x00\x00\xff\xff\xff\xff\xff", 9);
  writer.reset();
  CHECK(*import_spool(*journal, spool) == 2);
  auto rows = *journal->read_since(0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].record.path == "/ok");
  CHECK(rows[1].record.kind == ChangeKind::Overflow);
  CHECK(list_spool_segments(spool).empty());
}

TEST_CASE("a damaged saved offset counts as a damaged segment: a rescan, not a crash") {
  Spool f;
  auto& [dir, spool, journal, writer] = f;
  REQUIRE(writer->append({rec("/a")}));
  REQUIRE(journal->set_value("spool-offset:" + writer->segment_path(), "damaged"));
  writer.reset();
  auto imported = import_spool(*journal, spool);
  REQUIRE(imported);
  CHECK(*imported == 1);
  auto rows = *journal->read_since(0, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].record.kind == ChangeKind::Overflow);
}
