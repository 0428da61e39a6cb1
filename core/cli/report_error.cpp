#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/options.h"
#include "core/repository/seen_objects.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

int report_error(const Error& e) {
  std::fprintf(stderr, "gridbackup: %s\n", e.message.c_str());
  if (e.cause == Cause::CapTooWeak) return kExitCapTooWeak;
  switch (e.kind) {
    case ErrorKind::InvalidArgument:
      return kExitUsage;
    case ErrorKind::WrongKey:
      return kExitWrongCap;
    case ErrorKind::Corrupt:
      return kExitDamaged;
    default:
      return kExitError;
  }
}

int open_or_report(const CommandLine& cl, std::unique_ptr<Repository>& out, bool load_index) {
  auto repo = open_repository(cl, load_index);
  if (!repo) {
    int code = report_error(repo.error());
    return repo.error().kind == ErrorKind::NotFound ? kExitNoRepository : code;
  }
  out = std::move(*repo);
  // Which repository this is, as restic says it: one line on stderr (stdout
  // stays the command's output), without the "gridbackup:" of a message, so
  // scripts counting those see only real ones. The backend's URL is its shown
  // form: no password, no Tahoe dircap (the cap itself never appears).
  if (!cl.flag("quiet") && !cl.flag("json"))
    std::fprintf(stderr, "repository %s opened (%s)\n", to_hex(out->config().repository_id).substr(0, 8).c_str(), out->backend().url().c_str());
  // A repository that went back (issue 21) is said loudly by every command;
  // verify reports it as damage itself (cmd_verify.cpp).
  if (cl.command != "verify") {
    auto went_back = check_seen_objects(out->backend(), local_state(cl).seen_objects_path(*out));
    if (went_back)
      for (const auto& p : *went_back) std::fprintf(stderr, "WARNING: %s\n", p.c_str());
  }
  return kExitOk;
}

int open_source_or_report(const CommandLine& cl, std::unique_ptr<Repository>& out) {
  auto repo = open_source_repository(cl);
  if (!repo) {
    int code = report_error(repo.error());
    return repo.error().kind == ErrorKind::NotFound ? kExitNoRepository : code;
  }
  out = std::move(*repo);
  if (!cl.flag("quiet") && !cl.flag("json"))
    std::fprintf(stderr, "source repository %s opened (%s)\n", to_hex(out->config().repository_id).substr(0, 8).c_str(),
                 out->backend().url().c_str());
  auto went_back = check_seen_objects(out->backend(), local_state(cl).seen_objects_path(*out));
  if (went_back)
    for (const auto& p : *went_back) std::fprintf(stderr, "WARNING: %s\n", p.c_str());
  return kExitOk;
}

int open_snapshot_or_report(const CommandLine& cl, const std::string& ref, std::unique_ptr<Repository>& repo, Snapshot& snap,
                            std::vector<std::vector<Hash>>* chain) {
  auto filter = snapshot_filter(cl, true);
  if (!filter) return report_error(filter.error());
  if (int code = open_or_report(cl, repo)) return code;
  SnapshotStore store(*repo);
  auto got = resolve_snapshot(store, ref, *filter);
  if (!got) return report_error(got.error());
  snap = std::move(*got);
  if (chain) {
    auto logs = store.chain(snap);
    if (!logs) return report_error(logs.error());
    *chain = std::move(*logs);
  }
  return kExitOk;
}

int open_listing_or_report(const CommandLine& cl, std::unique_ptr<Repository>& repo, std::vector<Snapshot>& all, SnapshotFilter& filter) {
  auto f = snapshot_filter(cl, false);
  if (!f) return report_error(f.error());
  filter = std::move(*f);
  if (int code = open_or_report(cl, repo)) return code;
  auto listed = SnapshotStore(*repo).list();
  if (!listed) return report_error(listed.error());
  all = std::move(*listed);
  return kExitOk;
}

Result<std::string> stored_path_argument(const std::string& arg, const std::string& command) {
  std::string p = std::filesystem::path(arg).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p.empty() || p[0] != '/')
    return make_error(ErrorKind::InvalidArgument, fmt::format("the PATH given to {} must be absolute, as stored ('{}' is not)", command, arg));
  return p;
}

}  // namespace gb
