// gridbackup-replay: the journal-replay debugging tool. It records an agent's
// raw events to a portable file, prints what a recording translates to, and
// plays a recording into a change journal (docs/FORMAT.md, "Recordings").
#include <algorithm>

#include <fmt/format.h>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>

#include "agents/linux/agent_daemon.h"
#include "agents/replay/dialects.h"
#include "agents/replay/path_map.h"
#include "agents/replay/replay_options.h"
#include "core/common/path_order.h"
#include "core/journal/change_journal.h"
#include "core/journal/recording.h"
#include "core/journal/slice_plan.h"
#include "core/state/local_state.h"

namespace {

using namespace gb;

const char* kUsage = R"(gridbackup-replay — record, print and replay change-journal agent events

Usage:
  gridbackup-replay record --out FILE [--state-dir D] ROOT...
      watch ROOTs like the agent and save the raw events to FILE until
      SIGTERM/SIGINT, printing their change records; with --state-dir it also
      fills that journal (the same as 'gridbackup agent run --record FILE')
  gridbackup-replay print FILE
      translate a recording and print one change record per line
  gridbackup-replay play FILE --state-dir D [--map FROM=TO ...]
      translate a recording, rewrite path prefixes (a Windows FROM such as
      'C:\' also turns '\' into '/'), and append the records to the change
      journal in D
Exit codes: 0 ok, 1 error, 2 bad arguments or an unreadable recording
)";

constexpr int kOk = 0, kError = 1, kUsageError = 2;

int fail(int code, const std::string& sentence) {
  std::fprintf(stderr, "gridbackup-replay: %s\n", sentence.c_str());
  return code;
}

int fail(const Error& e) { return fail(e.kind == ErrorKind::InvalidArgument || e.kind == ErrorKind::Corrupt ? kUsageError : kError, e.message); }

// The recording's change records, translated by its dialect's translator.
Result<std::vector<ChangeRecord>> translate_file(const std::string& file, std::vector<std::string>* roots = nullptr) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorKind::InvalidArgument, fmt::format("cannot read the recording {}", file));
  std::stringstream ss;
  ss << in.rdbuf();
  Recording rec;
  if (Status decoded = decode_recording(ss.str(), rec); !decoded) {
    if (rec.dialect.empty()) return decoded.error().in_context(file);
    // A recorder killed mid-frame: the whole frames before it still count.
    std::fprintf(stderr, "gridbackup-replay: warning: %s: %s\n", file.c_str(), decoded.error().message.c_str());
  }
  auto translator = make_translator(rec.dialect, rec.context);
  if (!translator) {
    std::string known;
    for (const auto& d : known_dialects()) known += (known.empty() ? "" : ", ") + d;
    return make_error(
        ErrorKind::InvalidArgument,
        fmt::format("{} is a recording in the '{}' dialect, which this build cannot translate (it knows: {})", file, rec.dialect, known));
  }
  std::vector<ChangeRecord> records;
  for (const auto& e : rec.events) translator->translate(e.bytes, e.time_ns, records);
  if (roots) {
    std::string all = rec.context["roots"];
    for (size_t start = 0, nl; (nl = all.find('\n', start)) != std::string::npos || start < all.size(); start = nl + 1) {
      if (nl == std::string::npos) nl = all.size();
      if (nl > start) roots->push_back(all.substr(start, nl - start));
    }
  }
  return records;
}

void print_records(const std::vector<ChangeRecord>& records) {
  for (const auto& r : records) std::printf("%s\n", describe(r).c_str());
  std::fflush(stdout);
}

int cmd_record(const ReplayArgs& cl) {
  const auto& out = cl.out;
  if (!out) return fail(kUsageError, "record needs --out FILE");
  AgentOptions o;
  o.roots = cl.positional;
  o.state_dir = cl.state_dir.value_or("");  // only when asked: recording alone touches no journal
  o.record_path = *out;
  o.on_records = print_records;
  auto done = run_agent(o);
  return done ? kOk : fail(done.error());
}

int cmd_print(const ReplayArgs& cl) {
  if (cl.positional.size() != 1) return fail(kUsageError, "print needs exactly one recording file");
  auto records = translate_file(cl.positional[0]);
  if (!records) return fail(records.error());
  print_records(*records);
  return kOk;
}

int cmd_play(const ReplayArgs& cl) {
  if (cl.positional.size() != 1) return fail(kUsageError, "play needs exactly one recording file");
  const auto& dir = cl.state_dir;
  if (!dir) return fail(kUsageError, "play needs --state-dir D: the state dir whose change journal receives the records");
  auto map = PathMap::parse(cl.maps);
  if (!map) return fail(map.error());
  std::vector<std::string> roots;
  auto records = translate_file(cl.positional[0], &roots);
  if (!records) return fail(records.error());
  const LocalState state(*dir);
  if (state.agent_running())
    return fail(kError, fmt::format("an agent is running on the state dir {}; replaying into its journal would mix two event streams", *dir));
  for (auto& r : *records) r.path = map->apply(r.path);
  for (auto& r : roots) r = map->apply(r);
  std::sort(roots.begin(), roots.end(), path_less);
  auto journal = state.open_journal();  // private, as all local state
  if (!journal) return fail(journal.error());
  auto first = (*journal)->last_seq();
  if (!first) return fail(first.error());
  auto last = records->empty() ? first : (*journal)->append(*records);
  if (!last) return fail(last.error());
  print_records(*records);
  std::printf("%zu records appended to %s (seq %lld..%lld)\n", records->size(), state.journal_path().c_str(), static_cast<long long>(*first + 1),
              static_cast<long long>(*last));
  // The snapshot delta these records make: what the next backup of the
  // recording's roots stats and rescans (core/journal/slice_plan.h).
  SlicePlan plan = plan_slice(*records, roots);
  std::printf("slice plan for the recorded roots: %zu paths to stat, %zu subtrees to rescan, %zu vanished subtrees, %zu inodes, %zu full rescans\n",
              plan.paths.size(), plan.subtrees.size(), plan.vanished_subtrees.size(), plan.inodes.size(), plan.full_roots.size());
  for (const auto& p : plan.full_roots) std::printf("  full rescan     %s\n", p.c_str());
  for (const auto& p : plan.subtrees) std::printf("  rescan subtree  %s\n", p.c_str());
  for (const auto& p : plan.vanished_subtrees) std::printf("  vanished        %s\n", p.c_str());
  for (const auto& p : plan.paths) std::printf("  stat            %s\n", p.c_str());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto cl = parse_replay_args(argc, argv);
    if (!cl) return fail(cl.error());
    if (cl->help) {
      std::fputs(kUsage, stdout);
      return argc < 2 ? kUsageError : kOk;
    }
    if (cl->command == "record") return cmd_record(*cl);
    if (cl->command == "print") return cmd_print(*cl);
    return cmd_play(*cl);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gridbackup-replay: internal error: %s\n", e.what());
  }
  return kError;
}
