#include "tests/scenarios/scenario.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "agents/macos/fsevents_event.h"
#include "agents/macos/fsevents_translator.h"
#include "agents/windows/usn_record.h"
#include "agents/windows/usn_translator.h"

namespace gb::scenario {
namespace {

// Frame times: a fixed base plus one millisecond per frame, so the generated
// recordings are byte-for-byte reproducible.
constexpr int64_t kBaseTimeNs = 1'795'000'000'000'000'000;

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string rest_after(const std::string& line, size_t n_words) {
  size_t pos = 0;
  for (size_t i = 0; i < n_words; ++i) {
    pos = line.find_first_not_of(' ', pos);
    pos = line.find(' ', pos);
    if (pos == std::string::npos) return {};
  }
  return line.substr(line.find_first_not_of(' ', pos));
}

void add_frame(Recording& r, std::string bytes) {
  r.events.push_back({kBaseTimeNs + static_cast<int64_t>(r.events.size()) * 1'000'000, std::move(bytes)});
}

bool path_kind(const std::string& w, bool& dir) {
  if (w != "dir" && w != "file") return false;
  dir = w == "dir";
  return true;
}

}  // namespace

std::unique_ptr<EventTranslator> make_translator(const Recording& recording) {
  if (recording.dialect == "usn") return make_usn_translator(recording.context);
  if (recording.dialect == "fsevents") return make_fsevents_translator(recording.context);
  return nullptr;
}

bool parse_scenario(const std::string& text, const std::string& name, Scenario& s, std::string& error) {
  s = Scenario{};
  s.name = name;
  Dialect& usn = s.dialects["usn"];
  Dialect& fse = s.dialects["fsevents"];
  usn.recording.dialect = "usn";
  usn.recording.context = {{"volume", "C:\\"}, {"fs_id", "7a3c19e2"}, {"root_frn", "0005000000000005"}};
  usn.map = {"C:\\", "/"};
  fse.recording.dialect = "fsevents";
  fse.recording.context = {{"root", "/Users/ann/data"}, {"fs_id", "5F2A7C10-3B1D-4E8A-9C55-0D7E61A2B4F3"}};
  fse.map = {"/Users/ann/data", "/"};

  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto fail = [&](const std::string& why) {
      error = name + ".scn line " + std::to_string(n) + ": " + why;
      return false;
    };
    auto w = words(line);
    if (w.empty() || w[0][0] == '#') continue;
    const std::string& k = w[0];
    bool dir = false;
    if (k == "pre") {
      // The tree before the operations (for running them on a real tree).
    } else if (k == "op") {
      s.ops.push_back(rest_after(line, 1));
    } else if (k == "expect" && w.size() == 2 && w[1] == "overflow") {
      s.expected.overflow = true;
    } else if (k == "expect" && w.size() == 3 && path_kind(w[2], dir)) {
      s.expected.paths.insert({w[1], dir});
    } else if (k == "expect" && w.size() == 3 && w[1] == "rescan") {
      s.expected.rescans.insert(w[2]);
    } else if (k == "gap" && w.size() >= 4 && s.dialects.count(w[1]) && path_kind(w[3], dir)) {
      s.dialects[w[1]].gaps.insert({w[2], dir});  // the rest of the line says why
    } else if (k == "usn-dir" && w.size() == 3) {
      // A directory that existed before the recording started: "usn-dir <frn> <path>".
      usn.recording.context["dir." + w[1]] = w[2];
    } else if (k == "usn" && w.size() >= 6) {
      // usn <USN> <frn> <parent frn> <name> <REASON|…> [dir] [v3]
      usn::UsnRecord r;
      auto frn = usn::file_id_from_hex(w[2]), parent = usn::file_id_from_hex(w[3]);
      auto reason = usn::reason_from_names(w[5]);
      if (!frn || !parent) return fail("bad FRN");
      if (!reason) return fail("unknown reason in " + w[5]);
      r.usn = std::stoll(w[1]);
      r.frn = *frn;
      r.parent_frn = *parent;
      r.name = usn::utf8_to_utf16(w[4]);
      r.reason = *reason;
      r.timestamp = 133'500'000'000'000'000 + r.usn;  // FILETIME in 2024, unused by the translator
      for (size_t i = 6; i < w.size(); ++i) {
        if (w[i] == "dir")
          r.attributes |= usn::kFileAttributeDirectory;
        else if (w[i] == "v3")
          r.major_version = 3;
        else
          return fail("unknown word " + w[i]);
      }
      if (!r.attributes) r.attributes = 0x20;  // FILE_ATTRIBUTE_ARCHIVE, what new files get
      add_frame(usn.recording, usn::encode_usn_record(r));
    } else if (k == "usn-note" && w.size() >= 2) {
      add_frame(usn.recording, std::string(kUsnNotePrefix) + rest_after(line, 1));
    } else if (k == "fse" && w.size() == 4) {
      // fse <event id> <Flag|…> <path relative to the root, "." for the root>
      auto flags = fsevents::flags_from_names(w[2]);
      if (!flags) return fail("unknown flag in " + w[2]);
      std::string path = fse.recording.context["root"] + (w[3] == "." ? "" : "/" + w[3]);
      add_frame(fse.recording, fsevents::encode_fsevent({path, *flags, std::stoull(w[1])}));
    } else {
      return fail("cannot read: " + line);
    }
  }
  return true;
}

std::string scenario_dir() {
#ifdef GB_SCENARIO_DIR
  return GB_SCENARIO_DIR;
#else
  return "tests/scenarios";
#endif
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(scenario_dir(), ec))
    if (e.path().extension() == ".scn") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool load_scenario(const std::string& name, Scenario& out, std::string& error) {
  std::string text = read_file(scenario_dir() + "/" + name + ".scn");
  if (text.empty()) {
    error = "cannot read " + scenario_dir() + "/" + name + ".scn";
    return false;
  }
  return parse_scenario(text, name, out, error);
}

std::string recording_path(const std::string& name, const std::string& dialect) {
  return scenario_dir() + "/recordings/" + name + "." + dialect + ".rec";
}

}  // namespace gb::scenario
