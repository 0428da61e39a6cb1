// gridbackup: the command-line interface. Every failure ends in one sentence
// on stderr and a documented exit code (exit_codes.h), never an abort.
#include <malloc.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"

namespace {

const char* kUsage = R"(gridbackup — backups of whole machines, encrypted, to storage you choose

Usage: gridbackup COMMAND [OPTIONS]

Commands:
  init                         create a repository and print its root cap
  backup PATH...               back up paths (one filesystem per path), then upload
  backup --no-upload PATH...   commit the snapshot at once; content waits in the upload queue
  upload                       drain the upload queue, highest priority first
  status                       the upload queue: files, bytes, ETA, unstable files
  snapshots [--host NAME] [--path PATH]
                               list snapshots (every host's unless --host/--path narrow them)
  ls SNAPSHOT [PATH]           list a snapshot's paths (below PATH)
  forget [ID...] [--keep-last N] [--keep-hourly N] [--keep-daily N] [--keep-weekly N]
         [--keep-monthly N] [--keep-yearly N] [--keep-within DURATION (7d, 2y5m7d3h)]
         [--group-by host,paths|host|paths|none] [--host NAME] [--path PATH] [--dry-run]
                               forget snapshots by id or by policy; 'prune' frees the space
  diff SNAPSHOT1 SNAPSHOT2     paths added (+), removed (-), modified (M), type changed (T),
                               metadata changed (U)
  find PATTERN [--host NAME] [--path PATH]
                               matching paths in every snapshot (a pattern with '/' matches
                               the whole path, one without the name)
  restore SNAPSHOT|latest --target DIR [PATH...]
                               restore a snapshot (or only PATHs) below DIR
  verify [--read-data]         check the repository; --read-data reads every object
  cap                          print the root cap
  unlock [--remove-all]        remove locks whose process is gone (--remove-all: every lock,
                               only when no gridbackup runs anywhere)
  prune [--grace 1h] [--dry-run]
                               delete what no kept snapshot needs (two phases: what is
                               unused now is deleted by a prune after the grace period)
  grid verify|repair|status|add|retire|suggest-k
                               the grid backend (grid:k=K|URL|URL|...): share health,
                               repair, members, choosing k ('gridbackup grid help')
  repair                       rebuild missing or damaged grid shares (= grid repair)
  agent run|status|journal|install|uninstall
                               the change-journal agent ('gridbackup agent help')

Options:
  --repo URL        repository (file:///path, s3://, sftp://, tahoe://, grid:k=K|URL|...);
                    default: the cap's, or
                    ~/.local/share/gridbackup/repository for init
  --cap-file FILE   root cap file (default ~/.config/gridbackup/cap)
  --cap CAP         the root cap itself (visible to other users in ps: prefer GRIDBACKUP_CAP or --cap-file)
  --state-dir DIR   local state and caches (deletable at any time)
  --exclude PATTERN, --exclude-file FILE   skip matching paths (backup)
  --host NAME       host name recorded in the snapshot (default GRIDBACKUP_HOST, then the
                    machine's name); SNAPSHOT 'latest' is this host's newest snapshot
                    (of every --path PATH given); an id names any host's
  --force           read every file again, ignoring the previous snapshot
  --priority PATTERN=high|normal|low|lowest   upload order rule (repeatable)
  --limit-upload KiB/s, --parallel N          upload rate limit and parallel uploads
  --max-delta-chain N  store a full version after N deltas (default 8; 0: no deltas)
  --commit-interval S  the uploader records its progress (and takes in a prune plan)
                    at least every S seconds (default 30)
  --json            machine-readable output (backup, snapshots, ls, forget, diff, find)
  --quiet           print only errors; --no-progress: no progress line
Environment: GRIDBACKUP_REPO, GRIDBACKUP_CAP, GRIDBACKUP_CAP_FILE, GRIDBACKUP_STATE_DIR, GRIDBACKUP_HOST
Each command takes only its own options; any other is refused (exit 2).
Names with control characters or bytes not UTF-8 are shown in $'...' quoting (--json: exact).
Exit codes: 0 ok, 1 error, 2 bad arguments, 3 some paths not backed up/restored (or skipped:
            pseudo-filesystems), 4 backup --audit found changes the journal missed (the
            snapshot is right), 10 no repository, 11 wrong or malformed cap, 12 repository
            data damaged, 128+N ended by signal N after removing its lock (130 SIGINT,
            143 SIGTERM, 129 SIGHUP), 141 output closed by its reader
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace gb;
  // Segments and packs are 1-20 MiB buffers made and freed all the time. By
  // default glibc maps each one fresh and unmaps it on free, so every page is
  // faulted in again: ~100k page faults and seconds of system time per GiB.
  // Keeping such blocks in the heap lets them be reused.
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  try {
    auto cl = parse_command_line(argc, argv);
    if (!cl) return report_error(cl.error());
    if (Status st = check_command_options(*cl); !st) return report_error(st.error());
    if (cl->command.empty() || cl->command == "help" || cl->flag("help")) {
      std::fputs(kUsage, stdout);
      return cl->command.empty() && !cl->flag("help") ? kExitUsage : kExitOk;
    }
    if (cl->command == "version") {
      std::printf("gridbackup 0.1.0 (repository format 1)\n");
      return kExitOk;
    }
    static const std::map<std::string, int (*)(const CommandLine&)> commands = {
        {"init", cmd_init},       {"backup", cmd_backup}, {"snapshots", cmd_snapshots}, {"ls", cmd_ls},
        {"forget", cmd_forget},   {"diff", cmd_diff},     {"find", cmd_find},
        {"restore", cmd_restore}, {"verify", cmd_verify}, {"cap", cmd_cap},     {"upload", cmd_upload},
        {"status", cmd_status},   {"grid", cmd_grid},     {"repair", cmd_repair},
        {"agent", cmd_agent},     {"prune", cmd_prune},    {"unlock", cmd_unlock},
    };
    auto it = commands.find(cl->command);
    if (it == commands.end())
      return report_error(make_error(ErrorKind::InvalidArgument, "unknown command '" + cl->command + "' (see 'gridbackup help')"));
    // The agent receives its signals itself (signalfd, agents/linux/agent_daemon.cpp).
    if (cl->command != "agent") install_interrupt_handling();
    int code = it->second(*cl);
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
