// gridbackup dump SNAPSHOT PATH: one path of a snapshot to stdout, without
// restoring it: a regular file as its bytes, anything else (a directory and
// everything below it) as a pax tar stream (core/report/snapshot_dump.h).
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/common/private_files.h"
#include "core/report/snapshot_dump.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

namespace {
// The reader of stdout went away (`dump ... | head -c 10`): a pipe whose
// reader left shows POLLERR on its write end.
bool stdout_reader_gone() {
  struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}
}  // namespace

int cmd_dump(const CommandLine& cl) {
  if (cl.args.size() != 2) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup dump SNAPSHOT PATH"));
  auto stored = stored_path_argument(cl.args[1], "dump");
  if (!stored) return report_error(stored.error());
  const std::string& path = *stored;
  std::unique_ptr<Repository> repo;
  Snapshot snap;
  std::vector<std::vector<Hash>> logs;
  if (int code = open_snapshot_or_report(cl, cl.args[0], repo, snap, &logs)) return code;
  auto entry = find_view_entry(*repo, logs, path);
  if (!entry) return report_error(entry.error());
  if (!*entry) return report_error(make_error(ErrorKind::NotFound, fmt::format("snapshot {} has nothing at {}", snap.short_id(), path)));
  // A delta version is rebuilt in an unnamed file here: private, and gone when closed.
  auto scratch_dir = local_state(cl).prepare_repository_dir(*repo);
  if (!scratch_dir) return report_error(scratch_dir.error());
  const std::string& scratch = *scratch_dir;
  std::fflush(stdout);
  auto dumped = dump_entry(*repo, logs, **entry, STDOUT_FILENO, scratch);
  if (!dumped) {
    if (stdout_reader_gone()) return 128 + SIGPIPE;  // silently, as `cat file | head` ends
    return report_error(dumped.error());
  }
  for (const auto& skipped : dumped->skipped) std::fprintf(stderr, "gridbackup: %s is a socket, which tar cannot hold: left out\n", skipped.c_str());
  return kExitOk;
}

const Command kDumpCommand = {"dump",
                              "SNAPSHOT|latest PATH",
                              "write one path of a snapshot to stdout: a file as its bytes, a directory as a tar stream",
                              [](CommandOptions& o) { o.host_and_path(); },
                              cmd_dump,
                              false,
                              "A directory (or any other non-file) is written as a pax tar stream whose names are relative to\n"
                              "PATH's parent: `gridbackup dump latest /home/me/dir | tar x` recreates dir/ here. Hard links stay\n"
                              "links within the stream; sockets are left out (tar cannot hold them). Memory stays bounded.\n"};

}  // namespace gb
