#include <doctest/doctest.h>

#include "core/journal/change_journal.h"
#include "tests/unit/test_support.h"

using namespace gb;

namespace {
ChangeRecord rec(std::string path, ChangeKind k = ChangeKind::Modified) { return {"fs", std::move(path), k, false, 7, 9}; }
}  // namespace

TEST_CASE("the journal appends in order and reads back from a position") {
  test::ScratchDir dir;
  auto j = ChangeJournal::open(dir.path + "/journal.db");
  REQUIRE(j);
  auto& journal = **j;
  CHECK(*journal.last_seq() == 0);
  auto last = journal.append({rec("/a"), rec("/b"), rec("/c", ChangeKind::Created)});
  REQUIRE(last);
  CHECK(*last == 3);
  auto rows = journal.read_since(1, 10);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].seq == 2);
  CHECK((*rows)[0].record == rec("/b"));
  CHECK((*rows)[1].record.kind == ChangeKind::Created);
  CHECK(*journal.find_created(0, "/c") == std::optional<int64_t>(3));
  CHECK_FALSE(journal.find_created(3, "/c")->has_value());
  CHECK_FALSE(journal.find_created(0, "/a")->has_value());
}

TEST_CASE("cuts, trimming and values survive reopening; seqs are never reused") {
  test::ScratchDir dir;
  {
    auto j = std::move(*ChangeJournal::open(dir.path + "/journal.db"));
    (void)*j->append({rec("/1"), rec("/2"), rec("/3"), rec("/4")});
    REQUIRE(j->record_cut("repo", "snapA", 2));
    REQUIRE(j->record_cut("repo", "snapB", 3));
    REQUIRE(j->set_value("k", "v"));
    REQUIRE(j->set_agent({42, 5, {"/home", "/etc"}, "fanotify"}));
    REQUIRE(j->trim());
  }
  auto j = std::move(*ChangeJournal::open(dir.path + "/journal.db"));
  CHECK(*j->cut_of("repo", "snapB") == std::optional<int64_t>(3));
  CHECK(*j->cut_of("repo", "snapA") == std::optional<int64_t>(2));
  CHECK_FALSE(j->cut_of("other", "snapB")->has_value());
  // Rows at or below the oldest kept cut are gone; the rest remain.
  auto rows = *j->read_since(0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].seq == 3);
  CHECK(*j->value("k") == std::optional<std::string>("v"));
  auto agent = *j->agent();
  REQUIRE(agent);
  CHECK(agent->pid == 42);
  CHECK(agent->roots == std::vector<std::string>{"/home", "/etc"});
  (void)*j->append({rec("/5")});
  CHECK(*j->last_seq() == 5);
}

TEST_CASE("a damaged agent record in the journal is Corrupt, not an exception") {
  test::ScratchDir dir;
  auto j = std::move(*ChangeJournal::open(dir.path + "/journal.db"));
  REQUIRE(j->set_agent({42, 5, {"/home"}, "fanotify"}));
  REQUIRE(j->set_value("agent.pid", "forty-two"));
  auto agent = j->agent();
  REQUIRE(!agent);
  CHECK(agent.error().kind == ErrorKind::Corrupt);
  CHECK(agent.error().message == "the change journal is damaged: the agent's pid: 'forty-two' is not a whole number in range");
  REQUIRE(j->set_value("agent.pid", "42"));
  REQUIRE(j->set_value("agent.started_ns", "5 ns"));
  CHECK(j->agent().error().kind == ErrorKind::Corrupt);
}
