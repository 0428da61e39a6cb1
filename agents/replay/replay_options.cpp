#include "agents/replay/replay_options.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace gb {

Result<ReplayArgs> parse_replay_args(int argc, char** argv) {
  ReplayArgs a;
  if (argc < 2) {
    a.help = true;
    return a;
  }
  const std::string first = argv[1];
  if (first == "help" || first == "-h" || first == "--help") {
    a.help = true;
    return a;
  }
  if (first != "record" && first != "print" && first != "play")
    return make_error(ErrorKind::InvalidArgument, fmt::format("unknown command '{}' (record, print or play; see 'gridbackup-replay help')", first));
  a.command = first;

  // One CLI11 app per command: each declares only the options it takes.
  CLI::App app{"gridbackup-replay " + a.command};
  std::string out, state_dir;
  CLI::Option* out_option = nullptr;
  CLI::Option* state_option = nullptr;
  if (a.command == "record") {
    out_option = app.add_option("--out", out, "the recording to write");
    state_option = app.add_option("--state-dir", state_dir, "also fill this state dir's change journal");
    app.add_option("roots", a.positional, "the roots to watch");
  } else if (a.command == "print") {
    app.add_option("file", a.positional, "the recording");
  } else {
    state_option = app.add_option("--state-dir", state_dir, "the state dir whose change journal receives the records");
    app.add_option("--map", a.maps, "rewrite a path prefix FROM=TO (repeatable)");
    app.add_option("file", a.positional, "the recording");
  }
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::CallForHelp&) {
    a.help = true;
    return a;
  } catch (const CLI::ParseError& e) {
    return make_error(ErrorKind::InvalidArgument, fmt::format("{}: {} (see 'gridbackup-replay help')", a.command, e.what()));
  }
  if (out_option && out_option->count()) a.out = out;
  if (state_option && state_option->count()) a.state_dir = state_dir;
  return a;
}

}  // namespace gb
