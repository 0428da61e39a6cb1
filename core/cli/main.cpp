// gridbackup: the command-line interface. Every failure ends in one sentence
// on stderr and a documented exit code (exit_codes.h), never an abort.
#include <malloc.h>
#include <signal.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"

namespace {

const char* kIntro = R"(gridbackup — backups of whole machines, encrypted, to storage you choose

Usage: gridbackup COMMAND [OPTIONS]

Commands:
)";

const char* kOutro = R"(
'gridbackup help COMMAND' (or 'gridbackup COMMAND --help') shows a command's own options.
Each command takes only its own options; any other is refused (exit 2).

Global options (every command):
  --repo URL        repository (file:///path, s3://, sftp://, tahoe://, grid:k=K|URL|...);
                    default: the cap's, or
                    ~/.local/share/gridbackup/repository for init
  --cap-file FILE   root cap file (default ~/.config/gridbackup/cap)
  --cap CAP         the root cap itself (visible to other users in ps: prefer GRIDBACKUP_CAP or --cap-file)
  --state-dir DIR   local state and caches (deletable at any time)
  --quiet           print only errors
  --help, -h        help; --version: the version
Environment: GRIDBACKUP_REPO, GRIDBACKUP_CAP, GRIDBACKUP_CAP_FILE, GRIDBACKUP_STATE_DIR, GRIDBACKUP_HOST,
             GRIDBACKUP_CONFIG, GRIDBACKUP_SYSTEM_CONFIG (other config files)
Config files: /etc/gridbackup/config.toml, ~/.config/gridbackup/config.toml ('gridbackup config keys');
              a flag outranks the environment, which outranks the user's file, then the system's
Names with control characters or bytes not UTF-8 are shown in $'...' quoting (--json: exact).
Exit codes: 0 ok, 1 error, 2 bad arguments, 3 some paths not backed up/restored (or skipped:
            pseudo-filesystems), 4 backup --audit found changes the journal missed (the
            snapshot is right), 10 no repository, 11 wrong or malformed cap, 12 repository
            data damaged, 128+N ended by signal N after removing its lock (130 SIGINT,
            143 SIGTERM, 129 SIGHUP), 141 output closed by its reader
)";

int cmd_help(const gb::CommandLine& cl);
int cmd_version(const gb::CommandLine&) {
  std::printf("gridbackup %s (repository format 1)\n", GB_VERSION);
  return gb::kExitOk;
}

const gb::Command kHelpCommand = {"help", "[COMMAND]", "this list, or a command's own help", nullptr, cmd_help};
const gb::Command kVersionCommand = {"version", "", "print the version (also: --version)", nullptr, cmd_version};

// In the order `gridbackup help` lists them.
const gb::Command* const kCommands[] = {
    &gb::kInitCommand,   &gb::kBackupCommand,  &gb::kUploadCommand, &gb::kStatusCommand, &gb::kSnapshotsCommand, &gb::kLsCommand,
    &gb::kTagCommand,    &gb::kCopyCommand,    &gb::kForgetCommand, &gb::kDiffCommand,   &gb::kFindCommand,      &gb::kVersionsCommand,
    &gb::kDumpCommand,   &gb::kStatsCommand,   &gb::kMountCommand,  &gb::kUiCommand,     &gb::kRestoreCommand,   &gb::kVerifyCommand,
    &gb::kCapCommand,    &gb::kUnlockCommand,  &gb::kPruneCommand,  &gb::kGridCommand,   &gb::kRepairCommand,    &gb::kAgentCommand,
    &gb::kConfigCommand, &gb::kServiceCommand, &kHelpCommand,       &kVersionCommand,
};

const gb::Command* find_command(const std::string& name) {
  for (const gb::Command* c : kCommands)
    if (name == c->name) return c;
  return nullptr;
}

// Words of `text` in lines of at most `width` columns, each after `indent` spaces.
std::string wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + std::string(indent, ' ') + line + "\n";
}

std::string overview() {
  std::string out = kIntro;
  for (const gb::Command* c : kCommands) {
    std::string head = fmt::format("  {} {}", c->name, c->args);
    std::string summary = wrapped(c->summary, 31, 100);
    out += head.size() < 31 ? head + summary.substr(head.size()) : head + "\n" + summary;
  }
  return out + kOutro;
}

int cmd_help(const gb::CommandLine& cl) {
  if (cl.args.empty()) {
    std::fputs(overview().c_str(), stdout);
    return gb::kExitOk;
  }
  const gb::Command* c = find_command(cl.args[0]);
  if (!c || cl.args.size() > 1)
    return gb::report_error(gb::make_error(
        gb::ErrorKind::InvalidArgument, c ? "help takes one command name" : fmt::format("unknown command '{}' (see 'gridbackup help')", cl.args[0])));
  std::fputs(gb::command_help(*c).c_str(), stdout);
  return gb::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gb;
  // Segments and packs are 1-20 MiB buffers made and freed all the time. By
  // default glibc maps each one fresh and unmaps it on free, so every page is
  // faulted in again: ~100k page faults and seconds of system time per GiB.
  // Keeping such blocks in the heap lets them be reused.
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // One arena for every thread: with the heap kept, each thread's own arena
  // (glibc makes up to 8 per core) holds on to the blocks it once had, and a
  // segment allocated by the reader and freed by a packer worker goes back to
  // the reader's, so peak RSS was the sum of every arena's high-water mark
  // (issue 19: 122 -> ~95 MiB for a first backup, 88 -> 62 MiB for a restore).
  // Our threads make few, large allocations: one lock costs nothing measurable.
  ::mallopt(M_ARENA_MAX, 1);
  try {
    auto cl = parse_command_line(kCommands, argc, argv);
    if (!cl) return report_error(cl.error());
    if (cl->command.empty()) {
      if (cl->flag("version")) return cmd_version(*cl);
      std::fputs(overview().c_str(), stdout);
      return cl->flag("help") ? kExitOk : kExitUsage;
    }
    const Command& command = *find_command(cl->command);
    if (cl->flag("help")) {
      std::fputs(command_help(command).c_str(), stdout);
      return kExitOk;
    }
    // Help and version answer even beside a broken config file.
    if (cl->command != "help" && cl->command != "version")
      if (Status st = apply_config(*cl); !st) return report_error(st.error());
    // The agent receives its signals itself (signalfd, agents/linux/agent_daemon.cpp);
    // so does mount, which must unmount first (agents/fuse/fuse_mount.cpp).
    if (cl->command != "agent" && cl->command != "mount") install_interrupt_handling();
    int code = command.run(*cl);
    // Output to a reader that went away (`gridbackup ls latest | head`): the
    // command stopped early and released its lock; end as SIGPIPE would, silently.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      if (stdout_closed()) return 128 + SIGPIPE;
      std::fprintf(stderr, "gridbackup: cannot write the output: %s\n", std::strerror(errno));
      return code == kExitOk ? kExitError : code;
    }
    return code;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "gridbackup: out of memory\n");
  } catch (const std::exception& e) {
    // Reached only by a bug or a failing system library: still one sentence, never an abort.
    std::fprintf(stderr, "gridbackup: internal error: %s\n", e.what());
  }
  return kExitError;
}
