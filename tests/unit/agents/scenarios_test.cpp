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

}  // namespace

TEST_CASE("scenarios: there are scenarios, and each parses") {
  auto names = scenario_names();
  REQUIRE(names.size() >= 10);
  for (const auto& name : names) {
    Scenario s;
    std::string error;
    CHECK_MESSAGE(load_scenario(name, s, error), error);
    CHECK_MESSAGE(!s.ops.empty(), name);
    CHECK_MESSAGE((s.expected.overflow || !s.expected.paths.empty()), name);
  }
}

TEST_CASE("scenarios: each dialect's translation is the expected dirty set") {
  for (const auto& name : scenario_names()) {
    Scenario s;
    std::string error;
    REQUIRE_MESSAGE(load_scenario(name, s, error), error);
    for (const auto& [dialect, d] : s.dialects) {
      if (d.recording.events.empty()) continue;
      auto translator = make_translator(d.recording);
      REQUIRE(translator);
      DirtySet got = dirty_set_of(d.recording, *translator, d.map);
      DirtySet want = without(s.expected, d.gaps);
      INFO(name, " in ", dialect, "\nwant:\n", want.describe(), "got:\n", got.describe());
      CHECK(got == want);
      // A gap is a gap: if an OS starts reporting it, the scenario must say so.
      for (const auto& g : d.gaps) CHECK(got.paths.count(g) == 0);
    }
  }
}

TEST_CASE("scenarios: the dialects agree with each other, gaps aside") {
  for (const auto& name : scenario_names()) {
    Scenario s;
    std::string error;
    REQUIRE_MESSAGE(load_scenario(name, s, error), error);
    std::set<std::pair<std::string, bool>> all_gaps;
    for (const auto& [dialect, d] : s.dialects) all_gaps.insert(d.gaps.begin(), d.gaps.end());
    std::vector<std::pair<std::string, DirtySet>> sets;
    for (const auto& [dialect, d] : s.dialects) {
      if (d.recording.events.empty()) continue;
      auto translator = make_translator(d.recording);
      sets.push_back({dialect, without(dirty_set_of(d.recording, *translator, d.map), all_gaps)});
    }
    REQUIRE_MESSAGE(sets.size() >= 2, name);
    for (size_t i = 1; i < sets.size(); ++i) {
      INFO(name, ": ", sets[0].first, " vs ", sets[i].first, "\n", sets[0].second.describe(), "---\n",
           sets[i].second.describe());
      CHECK(sets[0].second == sets[i].second);
    }
  }
}

TEST_CASE("scenarios: the committed recordings are what make_recordings writes") {
  for (const auto& name : scenario_names()) {
    Scenario s;
    std::string error;
    REQUIRE_MESSAGE(load_scenario(name, s, error), error);
    for (const auto& [dialect, d] : s.dialects) {
      if (d.recording.events.empty()) continue;
      std::string path = recording_path(name, dialect);
      INFO(path, " is stale: run make_recordings (build/tests/scenarios/make_recordings)");
      std::string committed = read_file(path);
      CHECK(committed == encode_recording(d.recording));
      Recording back;
      CHECK(decode_recording(committed, back, error));
      CHECK(back.events.size() == d.recording.events.size());
    }
  }
}
