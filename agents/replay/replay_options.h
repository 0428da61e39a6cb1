// gridbackup-replay's command line: its three commands and the options each
// one takes, parsed with CLI11. The tool has its own options, not the
// gridbackup CLI's: it is a debugging tool beside the agents, and an option
// a command does not take is refused rather than ignored.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct ReplayArgs {
  std::string command;                   // record, print or play; empty when only help was asked
  bool help = false;                     // help, --help or -h
  std::vector<std::string> positional;   // record: ROOT...; print, play: FILE
  std::optional<std::string> out;        // record --out FILE
  std::optional<std::string> state_dir;  // record, play: --state-dir D
  std::vector<std::string> maps;         // play: --map FROM=TO (repeatable)
};

// Fails with one sentence (InvalidArgument) on an unknown command, an option
// the command does not take, or an option without its value.
Result<ReplayArgs> parse_replay_args(int argc, char** argv);

}  // namespace gb
