// make_recordings: writes tests/scenarios/recordings/<scenario>.<dialect>.rec
// from the readable scenario files, so the committed recordings (which
// gridbackup-replay plays) are never hand-edited binaries. The unit tests
// check that the committed files equal what this would write.
//   make_recordings            (re)writes every recording
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/scenarios/scenario.h"

int main() {
  using namespace gb::scenario;
  std::filesystem::create_directories(scenario_dir() + "/recordings");
  for (const auto& name : scenario_names()) {
    Scenario s;
    std::string error;
    if (!load_scenario(name, s, error)) {
      std::fprintf(stderr, "make_recordings: %s\n", error.c_str());
      return 1;
    }
    for (const auto& [dialect, d] : s.dialects) {
      if (d.recording.events.empty()) continue;
      std::ofstream(recording_path(name, dialect), std::ios::binary | std::ios::trunc) << gb::encode_recording(d.recording);
      std::printf("%s\n", recording_path(name, dialect).c_str());
    }
  }
  return 0;
}
