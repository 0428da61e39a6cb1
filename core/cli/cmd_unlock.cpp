// gridbackup unlock: removes the lock objects whose process is gone (a
// holder of this machine whose pid no longer exists, or any lock whose lease
// ran out: repository_lock.h's stale rule, the one prune applies). Live locks
// stay. --remove-all removes every lock but this command's own, as restic's
// `unlock --remove-all`: only for when no other gridbackup runs anywhere.
#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <ctime>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/time_text.h"
#include "core/repository/repository_lock.h"

namespace gb {
namespace {

std::string local_time(int64_t ns) {
  std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000LL);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace

int cmd_unlock(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup unlock [--remove-all]"));
  const bool all = cl.flag("remove-all"), json = cl.flag("json"), quiet = cl.flag("quiet") || json;
  Json removed_json = Json::array();
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo, /*load_index=*/false)) return code;
  auto locks = list_locks(repo->backend(), repo->keys().metadata);
  if (!locks) return report_error(locks.error());
  size_t removed = 0, kept = 0;
  for (const LockInfo& l : *locks) {
    bool mine = l.pid == ::getpid() && l.kind == "unlock";
    if (mine || (!l.stale && !all)) {
      kept += mine ? 0 : 1;
      continue;
    }
    if (Status st = repo->backend().remove(l.name); !st && st.error().kind != ErrorKind::NotFound) return report_error(st.error());
    ++removed;
    removed_json.push_back({{"name", l.name},
                            {"kind", l.kind},
                            {"host", l.host},
                            {"pid", l.pid},
                            {"since", utc_time_text(l.created_ns)},
                            {"reason", l.stale ? l.stale_reason : "--remove-all"}});
    if (!quiet)
      std::printf("removed %s (%s, host %s, pid %lld, since %s): %s\n", l.name.c_str(), l.kind.c_str(), l.host.c_str(), (long long)l.pid,
                  local_time(l.created_ns).c_str(), l.stale ? l.stale_reason.c_str() : "--remove-all");
  }
  if (json) std::printf("%s\n", json_text({{"removed", removed_json}, {"kept", kept}}).c_str());
  if (!quiet)
    std::printf("%zu locks removed, %zu kept (held by running processes%s)\n", removed, kept,
                kept ? "; --remove-all removes them too, when none of them runs" : "");
  return kExitOk;
}

const Command kUnlockCommand = {"unlock", "", "remove locks whose process is gone",
                                [](CommandOptions& o) {
                                  o.flag("remove-all", "remove every lock: only when no gridbackup runs anywhere");
                                  o.json("print the locks removed and how many were kept as one JSON object (docs/JSON.md)");
                                },
                                cmd_unlock};

}  // namespace gb
