// The shared scenarios (tests/scenarios/*.scn): every dialect's recording of
// the same operations translates to the expected dirty set, so the dialects
// agree with each other; and the committed .rec files are exactly what
// make_recordings writes from the readable specs.
#include <doctest/doctest.h>

#include "tests/scenarios/scenario.h"

using namespace gb;
using namespace gb::scenario;

namespace {

DirtySet without(DirtySet d, const std::set<std::pair<std::string, bool>>& gaps) {
  for (const auto& g : gaps) d.paths.erase(g);
  return d;
}

// Every committed scenario, parsed (a parse error fails the test case).
std::vector<Scenario> all_scenarios() {
  std::vector<Scenario> out;
  for (const auto& name : scenario_names()) {
    std::string error;
    REQUIRE_MESSAGE(load_scenario(name, out.emplace_back(), error), error);
  }
  return out;
}

// The dialects a scenario has events for, each with its translated dirty set.
std::vector<std::pair<std::string, DirtySet>> translated(const Scenario& s) {
  std::vector<std::pair<std::string, DirtySet>> out;
  for (const auto& [dialect, d] : s.dialects) {
    if (d.recording.events.empty()) continue;
    auto translator = make_translator(d.recording);
    REQUIRE_MESSAGE(translator, dialect);
    out.push_back({dialect, dirty_set_of(d.recording, *translator, d.map)});
  }
  return out;
}

}  // namespace

TEST_CASE("scenarios: there are scenarios, and each says what it does and expects") {
  auto scenarios = all_scenarios();
  CHECK(scenarios.size() >= 10);
  for (const auto& s : scenarios) {
    CHECK_MESSAGE(!s.ops.empty(), s.name);
    CHECK_MESSAGE((s.expected.overflow || !s.expected.paths.empty()), s.name);
  }
}

TEST_CASE("scenarios: each dialect's translation is the expected dirty set") {
  for (const auto& s : all_scenarios()) {
    for (const auto& [dialect, got] : translated(s)) {
      const auto& gaps = s.dialects.at(dialect).gaps;
      DirtySet want = without(s.expected, gaps);
      INFO(s.name, " in ", dialect, "\nwant:\n", want.describe(), "got:\n", got.describe());
      CHECK(got == want);
      // A gap is a gap: if an OS starts reporting it, the scenario must say so.
      for (const auto& g : gaps) CHECK(got.paths.count(g) == 0);
    }
  }
}

TEST_CASE("scenarios: the dialects agree with each other, gaps aside") {
  for (const auto& s : all_scenarios()) {
    std::set<std::pair<std::string, bool>> all_gaps;
    for (const auto& [dialect, d] : s.dialects) all_gaps.insert(d.gaps.begin(), d.gaps.end());
    auto sets = translated(s);
    REQUIRE_MESSAGE(sets.size() >= 2, s.name);
    DirtySet first = without(sets[0].second, all_gaps);
    for (size_t i = 1; i < sets.size(); ++i) {
      DirtySet other = without(sets[i].second, all_gaps);
      INFO(s.name, ": ", sets[0].first, " vs ", sets[i].first, "\n", first.describe(), "---\n", other.describe());
      CHECK(first == other);
    }
  }
}

TEST_CASE("scenarios: the committed recordings are what make_recordings writes") {
  for (const auto& s : all_scenarios()) {
    for (const auto& [dialect, d] : s.dialects) {
      if (d.recording.events.empty()) continue;
      std::string path = recording_path(s.name, dialect);
      INFO(path, " is stale: run make_recordings (build/tests/scenarios/make_recordings)");
      std::string committed = read_file(path);
      CHECK(committed == encode_recording(d.recording));
      Recording back;
      CHECK(decode_recording(committed, back));
      CHECK(back.events.size() == d.recording.events.size());
    }
  }
}
