// Shared scenarios: one set of file operations, recorded in every agent's
// dialect, that must translate to the same dirty set. A scenario is a small
// text file (tests/scenarios/*.scn, format in README.md): the operations,
// the expected dirty set, and the native events each OS emits for them,
// written out readably; make_recordings turns the events into the .rec
// files under recordings/ that gridbackup-replay plays.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/journal/recording.h"
#include "tests/scenarios/dirty_set.h"

namespace gb::scenario {

struct Dialect {
  Recording recording;
  PathMap map;                                  // the recording's root -> "/"
  std::set<std::pair<std::string, bool>> gaps;  // expected paths this OS does not report (with why in the spec)
};

struct Scenario {
  std::string name;
  std::vector<std::string> ops;             // the operations, for people and a future differential test
  DirtySet expected;                        // paths relative to "/"
  std::map<std::string, Dialect> dialects;  // "usn", "fsevents" (and "fanotify" when it joins)
};

// The translator of a dialect ("usn", "fsevents"; nullptr for one not built
// here). The Linux "fanotify" dialect joins by adding its factory.
std::unique_ptr<EventTranslator> make_translator(const Recording& recording);

// Parses a scenario file; false with `error` naming the line on a mistake.
bool parse_scenario(const std::string& text, const std::string& name, Scenario& out, std::string& error);

// The committed scenarios: tests/scenarios/*.scn, sorted by name.
std::string scenario_dir();
std::vector<std::string> scenario_names();
bool load_scenario(const std::string& name, Scenario& out, std::string& error);
// recordings/<name>.<dialect>.rec
std::string recording_path(const std::string& name, const std::string& dialect);
std::string read_file(const std::string& path);

}  // namespace gb::scenario
