// The agent as both status commands show it: one count of the rescans the
// next backups will do (cmd_agent.cpp once counted every rescan the journal
// still held, including those backups had already done).
#include <doctest/doctest.h>

#include "core/backup/journal_policy.h"
#include "tests/unit/test_support.h"

using namespace gb;

namespace {
ChangeRecord rec(std::string path, ChangeKind k) { return {"fs", std::move(path), k, true, 7, 9}; }
}  // namespace

TEST_CASE("agent report: pending rescans are those after the newest cut, per repository or of any") {
  test::ScratchDir tmp;
  const LocalState state(tmp.path);
  auto none = agent_report(state, std::nullopt);
  REQUIRE(none);
  CHECK_FALSE(none->set_up);
  CHECK_FALSE(none->running);

  auto j = std::move(*state.open_journal());
  REQUIRE(j->append({rec("/a", ChangeKind::Modified)}));                                       // seq 1
  REQUIRE(j->append({rec("/r", ChangeKind::RescanNeeded), rec("/o", ChangeKind::Overflow)}));  // 2, 3
  auto before = agent_report(state, std::nullopt);
  REQUIRE(before);
  CHECK(before->set_up);
  CHECK(before->records == 3);
  CHECK(before->pending.size() == 2);  // no backup has cut yet
  CHECK(before->journal_path == state.journal_path());

  // Repository A's backup read past both; B's last backup is older.
  REQUIRE(j->record_cut("B", "snapB", 1));
  REQUIRE(j->record_cut("A", "snapA1", 1));
  REQUIRE(j->record_cut("A", "snapA2", 3));
  CHECK(agent_report(state, std::string("A"))->pending.empty());
  CHECK(agent_report(state, std::string("B"))->pending.size() == 2);
  CHECK(agent_report(state, std::string("C"))->pending.size() == 2);  // never backed up from this journal
  CHECK(agent_report(state, std::nullopt)->pending.size() == 2);      // B still has them to do

  REQUIRE(j->record_cut("B", "snapB2", 3));
  CHECK(agent_report(state, std::string("B"))->pending.empty());
  CHECK(agent_report(state, std::nullopt)->pending.empty());  // every repository's next backup is past them
  REQUIRE(j->trim());
  CHECK(agent_report(state, std::nullopt)->pending.empty());
}

TEST_CASE("agent report: the last audit's time and outcome, and a stored time that does not read is none") {
  test::ScratchDir tmp;
  const LocalState state(tmp.path);
  auto j = std::move(*state.open_journal());
  REQUIRE(j->set_value("audit.last_ns", "1700000000000000000"));
  REQUIRE(j->set_value("audit.missed", "0"));
  auto r = agent_report(state, std::nullopt);
  REQUIRE(r);
  CHECK(r->last_audit_ns == std::optional<int64_t>(1700000000000000000));
  CHECK(r->audit_missed == std::optional<std::string>("0"));
  REQUIRE(j->set_value("audit.last_ns", "garbage"));
  r = agent_report(state, std::nullopt);
  REQUIRE(r);  // no exception, no failure: the time is just unknown
  CHECK_FALSE(r->last_audit_ns);
}
