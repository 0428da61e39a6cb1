// gridbackup ui [--listen HOST:PORT]: the web page (core/ui serves it and
// checks its token): a dashboard, the snapshots per host over time, a file
// browser of a snapshot, a file's versions and their downloads, search,
// diffs, restores. Its JSON routes answer with the objects the commands'
// --json prints (listing_json.h, find_listing.h, diff_listing.h,
// restore_json.h), built by the same functions; reads go through one
// repository (core/browse's catalog: a new snapshot is seen without
// restarting); a restore runs as a job with a repository of its own.
#include <sys/stat.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "core/browse/browse_catalog.h"
#include "core/cli/commands.h"
#include "core/cli/diff_listing.h"
#include "core/cli/exit_codes.h"
#include "core/cli/find_listing.h"
#include "core/cli/grid_status.h"
#include "core/cli/json.h"
#include "core/cli/listen_address.h"
#include "core/cli/listing_json.h"
#include "core/cli/restore_json.h"
#include "core/cli/service_control_command.h"
#include "core/cli/service_status_report.h"
#include "core/cli/status_report.h"
#include "core/cli/ui_restore_job.h"
#include "core/common/number_text.h"
#include "core/common/path_order.h"
#include "core/common/posix_error.h"
#include "core/crypto/keys.h"
#include "core/fs/file_system.h"
#include "core/grid/grid_config.h"
#include "core/report/snapshot_dump.h"
#include "core/service/control_socket.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"
#include "core/ui/ui_jobs.h"
#include "core/ui/ui_server.h"

namespace gb {

namespace {

int http_status(const Error& e) {
  switch (e.kind) {
    case ErrorKind::InvalidArgument:
      return 400;
    case ErrorKind::NotFound:
      return 404;
    default:
      return 500;
  }
}

UiAnswer json_answer(const Json& doc) {
  UiAnswer a;
  a.body = json_text(doc) + "\n";
  return a;
}

// A job's object (ui_jobs.h), 404 for an id that names none.
UiAnswer job_answer(UiJobs& jobs, uint64_t id) {
  auto text = jobs.json(id);
  if (!text) return ui_error(404, fmt::format("no job {}", id));
  UiAnswer a;
  a.body = *text + "\n";
  return a;
}

std::string param(const UiRequest& r, const std::string& name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

// Runs `f` on the catalog's repository (one request at a time); an error
// becomes {"error": sentence} with its HTTP status.
UiAnswer on_repository(BrowseCatalog& catalog, const std::function<Result<UiAnswer>(Repository&)>& f) {
  (void)catalog.refresh();  // a failed refresh keeps the last list
  UiAnswer out;
  Status done = catalog.with_repo([&](Repository& repo) -> Status {
    auto a = f(repo);
    if (!a) return a.error();
    out = std::move(*a);
    return {};
  });
  if (!done) return ui_error(http_status(done.error()), done.error().message);
  return out;
}

struct SnapshotAt {
  Snapshot snap;
  std::vector<std::vector<Hash>> logs;
  std::string path;
};

Result<SnapshotAt> snapshot_at(Repository& repo, const UiRequest& r, const std::string& command) {
  SnapshotStore store(repo);
  SnapshotAt at;
  GB_ASSIGN(at.snap, resolve_snapshot(store, param(r, "snapshot"), SnapshotFilter{}));
  GB_ASSIGN(at.logs, store.chain(at.snap));
  GB_ASSIGN(at.path, stored_path_argument(param(r, "path"), command));
  return at;
}

// As `snapshots --json`: every host's.
Result<UiAnswer> snapshots_route(Repository& repo) {
  GB_ASSIGN(auto all, SnapshotStore(repo).list());
  GB_ASSIGN(auto stored, snapshots_completeness(repo, all));
  Json doc = Json::array();
  for (size_t i = 0; i < all.size(); ++i) doc.push_back(snapshot_json(all[i], stored[i]));
  return json_answer(doc);
}

// As `ls --json SNAPSHOT PATH`, of PATH's own entries only (one level: what a
// file browser shows of a directory).
Result<UiAnswer> ls_route(Repository& repo, const UiRequest& r) {
  GB_ASSIGN(auto at, snapshot_at(repo, r, "ls"));
  ViewReader view(repo, at.logs);
  Json doc = Json::array();
  bool seen = false;
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    if (!path_within(e.path, at.path)) continue;
    if (e.path == at.path) {
      seen = true;
      continue;
    }
    size_t slash = e.path.rfind('/');
    std::string parent = slash == 0 ? "/" : e.path.substr(0, slash);
    if (parent != at.path) continue;
    seen = true;
    doc.push_back(entry_json(e));
  }
  if (!seen) return make_error(ErrorKind::NotFound, fmt::format("snapshot {} has nothing at {}", at.snap.short_id(), at.path));
  return json_answer(doc);
}

// As `versions --json PATH` (every host's, or ?host=).
Result<UiAnswer> versions_route(Repository& repo, const UiRequest& r) {
  GB_ASSIGN(std::string path, stored_path_argument(param(r, "path"), "versions"));
  GB_ASSIGN(auto all, SnapshotStore(repo).list());
  SnapshotFilter filter;
  if (!param(r, "host").empty()) filter.hosts.push_back(param(r, "host"));
  GB_ASSIGN(auto by_host, versions_by_host(repo, select_snapshots(all, filter), path));
  Json doc = Json::array();
  for (const auto& [host, found] : by_host)
    for (const FileVersion& v : found) doc.push_back(file_version_json(v, host));
  return json_answer(doc);
}

// As `dump SNAPSHOT PATH`, as a download: a file's bytes, anything else (a
// directory and what is below it) as a tar stream. Written to an unnamed
// scratch file first, then served from it.
Result<UiAnswer> dump_route(Repository& repo, const UiRequest& r, const std::string& scratch) {
  GB_ASSIGN(auto at, snapshot_at(repo, r, "dump"));
  GB_ASSIGN(auto entry, find_view_entry(repo, at.logs, at.path));
  if (!entry) return make_error(ErrorKind::NotFound, fmt::format("snapshot {} has nothing at {}", at.snap.short_id(), at.path));
  GB_ASSIGN(UniqueFd fd, fs::anonymous_temp_file(scratch));
  GB_CHECK(dump_entry(repo, at.logs, *entry, fd.get(), scratch));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return posix_error("cannot read the size of the download's scratch file", errno);
  UiAnswer a;
  const bool file = entry->type == NodeType::File;
  a.content_type = file ? "application/octet-stream" : "application/x-tar";
  a.file = std::make_shared<UniqueFd>(std::move(fd));
  a.file_size = static_cast<uint64_t>(st.st_size);
  std::string name = at.path == "/" ? "root" : at.path.substr(at.path.rfind('/') + 1);
  a.download_name = file ? name : name + ".tar";
  return a;
}

// As `restore SNAPSHOT --target TARGET [--overwrite MODE] PATH`, started as a
// job (ui_restore_job.h): checked here, so bad input is answered at once
// (400, one sentence); then the job's object, 202.
Result<UiAnswer> restore_route(Repository& repo, const UiRequest& r, UiJobs& jobs, const CommandLine& cl) {
  GB_ASSIGN(auto at, snapshot_at(repo, r, "restore"));
  RestoreOptions opts;
  opts.target = param(r, "target");
  if (opts.target.empty() || opts.target.front() != '/')
    return make_error(ErrorKind::InvalidArgument, fmt::format("a restore needs an absolute target directory, not '{}'", opts.target));
  std::string mode = param(r, "overwrite");
  GB_ASSIGN(opts.overwrite, overwrite_mode_named(mode.empty() ? "always" : mode));
  GB_ASSIGN(auto entry, find_view_entry(repo, at.logs, at.path));
  if (!entry) return make_error(ErrorKind::NotFound, fmt::format("snapshot {} has nothing at {}", at.snap.short_id(), at.path));
  if (at.path != "/") opts.include.push_back(at.path);
  uint64_t id = start_restore_job(jobs, cl, at.snap, opts);
  UiAnswer a = job_answer(jobs, id);
  a.status = 202;
  return a;
}

// A listing's text gathered for an answer, up to a bound: past it the
// listing is stopped and the request answered with a sentence instead.
struct BoundedText {
  static constexpr size_t kMax = 64 << 20;
  std::string text;
  bool over = false;
  ListingOut out() {
    return [this](std::string_view piece) {
      if (text.size() + piece.size() > kMax) return !(over = true);
      text.append(piece);
      return true;
    };
  }
};

// As `find --json PATTERN` (every host's, or ?host=).
Result<UiAnswer> find_route(Repository& repo, const UiRequest& r) {
  std::string pattern = param(r, "pattern");
  if (pattern.empty()) return make_error(ErrorKind::InvalidArgument, "a search needs a pattern (as find's: *.txt, /home/*/notes)");
  GB_ASSIGN(auto all, SnapshotStore(repo).list());
  SnapshotFilter filter;
  if (!param(r, "host").empty()) filter.hosts.push_back(param(r, "host"));
  BoundedText found;
  GB_CHECK(write_find(repo, all, filter, PathGlob(pattern), true, found.out()));
  if (found.over) return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' matches too much to show here: narrow it (or use find)", pattern));
  UiAnswer a;
  a.body = std::move(found.text);
  return a;
}

// As `diff --json FROM TO`.
Result<UiAnswer> diff_route(Repository& repo, const UiRequest& r) {
  SnapshotStore store(repo);
  std::vector<std::vector<std::vector<Hash>>> logs;
  for (const char* side : {"from", "to"}) {
    if (param(r, side).empty()) return make_error(ErrorKind::InvalidArgument, "a diff needs two snapshots: ?from=ID&to=ID");
    GB_ASSIGN(auto snap, resolve_snapshot(store, param(r, side), SnapshotFilter{}));
    GB_ASSIGN(auto chain, store.chain(snap));
    logs.push_back(std::move(chain));
  }
  BoundedText changes;
  auto summary = write_diff(repo, logs[0], logs[1], true, changes.out());
  if (changes.over) return make_error(ErrorKind::InvalidArgument, "these snapshots differ in too many paths to show here (use diff)");
  if (!summary) return summary.error();
  UiAnswer a;
  a.body = std::move(changes.text);
  return a;
}

// The service the page shows: a service's state dir is this user's when a
// service ran with it (service run --user, or the same --state-dir), else
// the machine's (/var/lib/gridbackup).
LocalState service_state_of(const CommandLine& cl) {
  LocalState mine = local_state(cl);
  return std::filesystem::exists(mine.service_path()) ? mine : LocalState(LocalState::kSystemAgentDir);
}

// As `service status --json` (404 when no service has run).
UiAnswer service_route(const CommandLine& cl) {
  auto report = read_service_status(service_state_of(cl));
  if (!report) return ui_error(http_status(report.error()), report.error().message);
  auto out = service_status_json(*report);
  if (!out) return ui_error(http_status(out.error()), out.error().message);
  return json_answer(*out);
}

// As `service pause [--for D] | resume | backup-now | upload-now --json`:
// the running service's answer over its control socket.
UiAnswer service_control_route(const CommandLine& cl, const UiRequest& r) {
  std::string for_text = param(r, "for");
  auto request = control_request_for(param(r, "command"), for_text.empty() ? std::nullopt : std::optional<std::string>(for_text));
  if (!request) return ui_error(http_status(request.error()), request.error().message);
  auto answer = control_request(service_state_of(cl).dir(), *request);
  if (!answer) return ui_error(answer.error().cause == Cause::Permission ? 403 : http_status(answer.error()), answer.error().message);
  return json_answer(Json(*answer));
}

// As `grid status --json`, when the repository is a grid (404 when not).
UiAnswer grid_route(const CommandLine& cl) {
  auto cap = load_cap(cl);
  if (!cap) return ui_error(http_status(cap.error()), cap.error().message);
  std::string url = repository_url(cl, *cap);
  if (!is_grid_url(url)) return ui_error(404, "the repository is not a grid");
  auto g = read_grid_status(url);
  if (!g) return ui_error(http_status(g.error()), g.error().message);
  return json_answer(grid_status_json(*g));
}

}  // namespace

int cmd_ui(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup ui [--listen HOST:PORT] [--allow-remote]"));
  auto address = listen_address(cl.value("listen").value_or("127.0.0.1:0"), "listen");
  if (!address) return report_error(address.error());
  const auto& [host, port] = *address;
  if (!is_loopback_host(host) && !cl.flag("allow-remote"))
    return report_error(
        make_error(ErrorKind::InvalidArgument, fmt::format("ui listens on this machine only (127.0.0.1, ::1): {} would open the page (and every "
                                                           "snapshot's files) to the network; add --allow-remote to mean it",
                                                           host)));
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  auto scratch = local_state(cl).prepare_repository_dir(*repo);
  if (!scratch) return report_error(scratch.error());
  auto secret = random_bytes(16);
  if (!secret) return report_error(secret.error());
  const std::string token = to_hex(*secret);
  auto token_file = local_state(cl).write_ui_token(token);
  if (!token_file) return report_error(token_file.error());
  BrowseCatalog catalog(std::move(repo), [&cl] { return open_repository(cl, true); });
  if (auto listed = catalog.refresh(true); !listed) return report_error(listed.error());

  UiServerOptions options;
  options.host = host;
  options.port = port;
  options.token = token;
  options.get["/api/snapshots"] = [&](const UiRequest&) { return on_repository(catalog, snapshots_route); };
  options.get["/api/ls"] = [&](const UiRequest& r) { return on_repository(catalog, [&](Repository& repo) { return ls_route(repo, r); }); };
  options.get["/api/versions"] = [&](const UiRequest& r) {
    return on_repository(catalog, [&](Repository& repo) { return versions_route(repo, r); });
  };
  options.get["/api/dump"] = [&](const UiRequest& r) {
    return on_repository(catalog, [&](Repository& repo) { return dump_route(repo, r, *scratch); });
  };
  options.get["/api/find"] = [&](const UiRequest& r) { return on_repository(catalog, [&](Repository& repo) { return find_route(repo, r); }); };
  options.get["/api/diff"] = [&](const UiRequest& r) { return on_repository(catalog, [&](Repository& repo) { return diff_route(repo, r); }); };
  options.get["/api/status"] = [&](const UiRequest&) {
    return on_repository(catalog, [&](Repository& repo) -> Result<UiAnswer> {
      GB_ASSIGN(auto report, read_status(cl, repo));
      return json_answer(status_json(report));
    });
  };
  options.get["/api/grid"] = [&](const UiRequest&) { return grid_route(cl); };
  options.get["/api/service"] = [&](const UiRequest&) { return service_route(cl); };
  options.post["/api/service/control"] = [&](const UiRequest& r) { return service_control_route(cl, r); };
  UiJobs jobs;
  options.post["/api/restore"] = [&](const UiRequest& r) {
    return on_repository(catalog, [&](Repository& repo) { return restore_route(repo, r, jobs, cl); });
  };
  options.get["/api/job"] = [&](const UiRequest& r) {
    auto id = parse_uint(param(r, "id"), UINT64_MAX);
    if (!id) return ui_error(400, fmt::format("a job's id is a number, not '{}'", param(r, "id")));
    return job_answer(jobs, *id);
  };
  options.listening = [&](int bound) {
    std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::printf("http://%s:%d/?token=%s\n", shown.c_str(), bound, token.c_str());
    std::fflush(stdout);
    if (!cl.flag("quiet"))
      std::fprintf(stderr, "gridbackup: the page is served at the URL above (its token is also in %s); Ctrl-C stops it\n", token_file->c_str());
  };
  Status served = serve_ui(options);
  if (!served) return report_error(served.error());
  return kExitOk;
}

const Command kUiCommand = {"ui",
                            "",
                            "a web page on this machine: dashboard, snapshots over time, a file browser, versions, search, diffs, restores",
                            [](CommandOptions& o) {
                              o.value("listen", "HOST:PORT", "where to listen (default 127.0.0.1 and a free port)");
                              o.flag("allow-remote", "allow --listen on an address other machines reach (the token still guards it)");
                            },
                            cmd_ui,
                            false,
                            "Prints the page's URL with its token (http://127.0.0.1:PORT/?token=...), as Jupyter does; the token\n"
                            "is new each run and kept 0600 in the state dir (ui-token). Every request without it is refused (403);\n"
                            "requests that change anything are POSTs with the token in the X-GridBackup-Token header. The page's\n"
                            "JSON (/api/snapshots, ls, versions, find, diff, status, grid, service) is what those commands' --json\n"
                            "prints; a restore from the page (POST /api/restore) runs in this process as a job (docs/JSON.md, \"ui\");\n"
                            "the service's buttons send what `service backup-now|pause|resume` send.\n"
                            "No cap or key ever reaches the page. Ctrl-C stops it.\n"};

}  // namespace gb
