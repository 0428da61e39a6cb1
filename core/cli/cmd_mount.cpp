// gridbackup mount MOUNTPOINT: every snapshot as a read-only file system
// (FUSE; core/browse names the tree and reads content, agents/fuse serves it).
// Without --foreground the command returns once the file system is mounted
// (or with the one sentence that says why it is not) and a child serves it:
// the child is forked before the repository is opened, so no thread (the
// lock's refresher) is lost to the fork, and its lock names the serving
// process. SIGINT, SIGTERM and SIGHUP unmount it cleanly, as does
// `fusermount3 -u MOUNTPOINT` (or `umount`).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "agents/fuse/fuse_mount.h"
#include "core/browse/browse_catalog.h"
#include "core/browse/content_cache.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/common/posix_error.h"

namespace gb {

namespace {
// In the serving child: everything after the mount (the parent has
// returned; its terminal may be gone).
void detach_output() {
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0) return;
  ::dup2(null, STDIN_FILENO);
  ::dup2(null, STDOUT_FILENO);
  ::dup2(null, STDERR_FILENO);
  if (null > STDERR_FILENO) ::close(null);
}

int serve(const CommandLine& cl, const std::string& mountpoint, int ready_fd) {
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto scratch = local_state(cl).prepare_repository_dir(*repo);
  if (!scratch) return report_error(scratch.error());
  BrowseCatalog catalog(std::move(repo), [&cl] { return open_repository(cl, true); });
  if (auto listed = catalog.refresh(true); !listed) return report_error(listed.error());
  ContentCache content([&catalog](const std::function<Status(Repository&)>& f) { return catalog.with_repo(f); }, *scratch);
  FuseMountOptions options;
  options.mountpoint = mountpoint;
  options.allow_other = cl.flag("allow-other");
  options.mounted = [&] {
    if (!cl.flag("quiet"))
      std::fprintf(stderr, "mounted at %s; unmount with Ctrl-C, kill, or 'fusermount3 -u %s'\n", mountpoint.c_str(), mountpoint.c_str());
    if (ready_fd >= 0) {
      (void)!::write(ready_fd, "m", 1);
      ::close(ready_fd);
      detach_output();
    }
  };
  options.log = [](const std::string& line) { std::fprintf(stderr, "gridbackup: mount: %s\n", line.c_str()); };
  Status done = serve_fuse_mount(catalog, content, options);
  if (!done) return report_error(done.error());
  return kExitOk;
}
}  // namespace

int cmd_mount(const CommandLine& cl) {
  if (cl.args.size() != 1)
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup mount MOUNTPOINT [--allow-other] [--foreground]"));
  char resolved[PATH_MAX];
  struct stat st;
  if (!::realpath(cl.args[0].c_str(), resolved) || ::stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode))
    return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("the mount point {} is not a directory", cl.args[0])));
  const std::string mountpoint = resolved;
  // A reader of a mounted file may go away mid-read: never die of SIGPIPE on a log line.
  ::signal(SIGPIPE, SIG_IGN);
  if (cl.flag("foreground")) return serve(cl, mountpoint, -1);
  int ready[2];
  if (::pipe(ready) != 0) return report_error(posix_error("cannot start the mount", errno));
  pid_t child = ::fork();
  if (child < 0) return report_error(posix_error("cannot start the mount", errno));
  if (child == 0) {
    ::close(ready[0]);
    ::setsid();                                // not ended by the terminal's hangup
    if (::chdir("/") != 0) _exit(kExitError);  // the mount must not pin the caller's directory
    std::exit(serve(cl, mountpoint, ready[1]));
  }
  ::close(ready[1]);
  char byte = 0;
  ssize_t n;
  do n = ::read(ready[0], &byte, 1);
  while (n < 0 && errno == EINTR);
  ::close(ready[0]);
  if (n == 1) return kExitOk;  // mounted; the child serves it
  int status = 0;
  ::waitpid(child, &status, 0);  // it said why on stderr
  return WIFEXITED(status) ? WEXITSTATUS(status) : kExitError;
}

const Command kMountCommand = {"mount",
                               "MOUNTPOINT",
                               "every snapshot as a read-only file system (FUSE), until unmounted",
                               [](CommandOptions& o) {
                                 o.flag("allow-other",
                                        "let other users in (stored owners and modes apply; needs user_allow_other in /etc/fuse.conf)");
                                 o.flag("foreground", "serve in the foreground (Ctrl-C unmounts) instead of returning once mounted");
                               },
                               cmd_mount,
                               false,
                               "Layout (times are UTC, as the snapshot was taken):\n"
                               "  /hosts/HOST/YYYY-MM-DDTHH:MM:SS/PATH   each snapshot by host and time\n"
                               "  /hosts/HOST/latest                     symlink to that host's newest snapshot\n"
                               "  /snapshots/ID/PATH                     each snapshot by its short id\n"
                               "  /latest/HOST                           symlink to that host's newest snapshot\n"
                               "  /tags/TAG/YYYY-MM-DDTHH:MM:SS/PATH     the snapshots that carry TAG (and /tags/TAG/latest)\n"
                               "Files show the stored size, mode, owner, times, symlink target, hard-link count and xattrs.\n"
                               "Content is read on demand (only the segments a read touches; a cache of 64 MiB, read-ahead\n"
                               "for sequential reads; a version stored as a delta is rebuilt once into a private scratch file).\n"
                               "A file whose upload is pending reads as EIO and carries the xattr user.gridbackup.missing.\n"
                               "New snapshots appear without remounting (the list is read again at most every 2 s).\n"
                               "A repository that cannot be read makes reads fail with EIO, never hang past the backend's timeout.\n"};

}  // namespace gb
