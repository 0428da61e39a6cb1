// One gridbackup command: its name, its own options and what runs it. Each
// cmd_*.cpp defines one (or two) of these; main.cpp lists them. A command
// takes only the options it declares (plus the global ones): any other is
// refused with one sentence (exit 2), so `backup --dry-run` can never again
// save a real snapshot by ignoring the option.
#pragma once
#include <memory>
#include <span>
#include <string>

#include "core/cli/options.h"

namespace CLI {
class App;
}

namespace gb {

class CommandOptions;

struct Command {
  const char* name;
  const char* args;                  // the positional arguments' syntax for the usage line ("PATH..."; "" for none)
  const char* summary;               // one line, for `gridbackup help`
  void (*options)(CommandOptions&);  // declares the command's own options
  int (*run)(const CommandLine&);
  // Stores objects: its repository lock must be stored (prune must see it)
  // or the command fails; a command that only reads goes on without one.
  bool stores = false;
  const char* details = "";  // further help text after the options (subcommands, examples)
};

// The declarations a Command's `options` function makes. Names are given
// without the leading "--". Value options may be repeated; the command reads
// the last (CommandLine::value) or all (CommandLine::all).
class CommandOptions {
 public:
  CommandOptions(CLI::App& app, CommandLine& out) : app_(app), out_(out) {}
  void value(const std::string& name, const std::string& type, const std::string& help);
  void flag(const std::string& name, const std::string& help);
  // With a one-letter form too ("-l" beside "--long").
  void flag(const std::string& name, char letter, const std::string& help);
  // Shared groups, so the same option reads the same in every command.
  void json(const std::string& what = "machine-readable output");
  void no_progress();
  // What -v adds for this command (-v/--verbose itself is global: counted, -vv).
  void verbose(const std::string& what);
  void host_and_path();  // --host NAME, --path PATH, --tag LIST: which snapshots (snapshot_filter)
  void transfer();       // --limit-upload, --parallel, --max-delta-chain, --commit-interval
  void global();         // --repo, --cap-file, --cap, --state-dir, --quiet, --help: every command's

 private:
  CLI::App& app_;
  CommandLine& out_;
  std::string verbose_help_;
};

// Finds the command among `commands` (options may come before its word) and
// parses the line with that command's options. An option it does not take,
// a flag given a value or a value option without one: one sentence. No
// command word: an empty `command`, with the flags help and version as given.
Result<CommandLine> parse_command_line(std::span<const Command* const> commands, int argc, char** argv);
// The command's own help: usage, options, global options, details.
std::string command_help(const Command& c);

}  // namespace gb
