#include "core/cli/options.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

#include "core/common/private_files.h"
#include "core/connect/open_backend.h"
#include "core/repository/repository_lock.h"

namespace gb {
namespace {

const std::set<std::string> kValueOptions = {"repo",         "cap-file", "cap",      "state-dir",    "target",  "exclude",
                                            // forget (lifecycle)
                                            "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly",
                                            "keep-within", "group-by", "path",
                                            "exclude-file", "host",     "priority", "limit-upload", "parallel", "max-delta-chain",
                                            "limit",        "id",       "n",        "availability", "durability", "audit-interval",
                                            "record",       "roots-file", "since", "unit-dir",    "config-dir", "out", "map",
                                            "grace", "wait", "max-unused", "commit-interval"};
const std::set<std::string> kFlagOptions = {"json", "quiet", "read-data", "help", "verbose", "no-progress", "force", "no-upload", "restart",
                                            "dry-run",  // forget, prune (lifecycle)
                                            "from-journal", "no-journal", "audit", "no-start", "bounded-queue", "remove-all"};

// The options each command takes, beyond the global ones. An option a command
// does not take is refused rather than ignored: `backup --dry-run` once saved
// a real snapshot. (A later move to CLI11 makes this per-subcommand parsing.)
const std::set<std::string> kGlobalOptions = {"repo", "cap-file", "cap", "state-dir", "help", "quiet"};
const std::map<std::string, std::set<std::string>> kCommandOptions = {
    {"init", {}},
    {"backup", {"exclude", "exclude-file", "priority", "force", "json", "no-progress", "no-upload", "host", "limit-upload", "parallel",
                "max-delta-chain", "commit-interval", "audit", "from-journal", "no-journal", "audit-interval"}},
    {"upload", {"limit-upload", "parallel", "max-delta-chain", "commit-interval", "json", "no-progress", "host"}},
    {"status", {"json"}},
    {"snapshots", {"json", "host", "path"}},
    {"ls", {"json", "host", "path"}},
    {"restore", {"target", "no-progress", "verbose", "host", "path"}},
    {"diff", {"json", "host", "path"}},
    {"find", {"json", "host", "path"}},
    {"forget", {"keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly", "keep-within", "group-by", "host",
                "path", "dry-run", "json"}},
    {"verify", {"read-data", "no-progress"}},
    {"cap", {}},
    {"prune", {"grace", "wait", "max-unused", "dry-run", "json", "no-progress", "host"}},
    {"grid", {"json", "no-progress", "restart", "verbose", "id", "limit", "n", "availability", "durability"}},
    {"repair", {"json", "no-progress", "restart", "verbose", "limit"}},
    {"agent", {"record", "roots-file", "since", "unit-dir", "config-dir", "bounded-queue", "no-start", "json", "host", "verbose"}},
    {"unlock", {"remove-all", "json"}},
    {"help", {}},
    {"version", {}},
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string home() {
  std::string h = env("HOME");
  if (!h.empty()) return h;
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_dir;
  return "/";
}

std::string xdg(const char* var, const char* fallback) {
  std::string v = env(var);
  return v.empty() ? home() + "/" + fallback : v;
}

// The cap opens everything: a cap file others may write could be swapped
// for one that sends this machine's backups elsewhere (refused); one others
// may read gives them every backup (warned once, since old installs made it so).
Status check_cap_file_mode(const std::string& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) return {};
  unsigned mode = st.st_mode & 07777;
  if (mode & 022)
    return make_error(ErrorKind::WrongKey, fmt::format("the cap file {} is writable by other users (mode {:04o}), so it cannot be trusted; "
                                                       "check its content, then chmod 600 {}", file, mode, file));
  static bool warned = false;
  if ((mode & 044) && !warned) {
    warned = true;
    std::fprintf(stderr, "gridbackup: warning: the cap file %s is readable by other users (mode %04o), and the cap opens every backup; chmod 600 %s\n",
                 file.c_str(), mode, file.c_str());
  }
  return {};
}

}  // namespace

std::optional<std::string> CommandLine::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CommandLine::all(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

Result<CommandLine> parse_command_line(int argc, char** argv) {
  CommandLine cl;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (kFlagOptions.count(name)) {
        if (has_value) return make_error(ErrorKind::InvalidArgument, fmt::format("option --{} takes no value", name));
        cl.flags[name] = true;
      } else if (kValueOptions.count(name)) {
        if (!has_value) {
          if (i + 1 >= argc) return make_error(ErrorKind::InvalidArgument, fmt::format("option --{} needs a value", name));
          value = argv[++i];
        }
        cl.values[name].push_back(value);
      } else {
        return make_error(ErrorKind::InvalidArgument, fmt::format("unknown option --{} (see 'gridbackup help')", name));
      }
      continue;
    }
    if (!options_done && a == "-h") {
      cl.flags["help"] = true;
      continue;
    }
    if (!options_done && a.size() > 1 && a[0] == '-')
      return make_error(ErrorKind::InvalidArgument, fmt::format("unknown option {} (see 'gridbackup help')", a));
    if (cl.command.empty())
      cl.command = a;
    else
      cl.args.push_back(a);
  }
  return cl;
}

Status check_command_options(const CommandLine& cl) {
  auto it = kCommandOptions.find(cl.command);
  if (it == kCommandOptions.end()) return {};  // an unknown command is reported by the dispatcher
  auto refuse = [&](const std::string& name) -> Status {
    return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' does not take --{} (see 'gridbackup help')", cl.command, name));
  };
  for (const auto& [name, _] : cl.flags)
    if (!kGlobalOptions.count(name) && !it->second.count(name)) return refuse(name);
  for (const auto& [name, _] : cl.values)
    if (!kGlobalOptions.count(name) && !it->second.count(name)) return refuse(name);
  for (const auto& h : cl.all("host"))
    if (h.empty()) return make_error(ErrorKind::InvalidArgument, "--host needs a host name, not an empty string");
  for (const auto& x : cl.all("exclude")) GB_CHECK(check_exclude_pattern(x, "--exclude"));
  return {};
}

Status check_exclude_pattern(const std::string& pattern, const std::string& where) {
  if (pattern.empty()) return make_error(ErrorKind::InvalidArgument, fmt::format("{} needs a pattern, not an empty string (it would match nothing)", where));
  // fnmatch(3) takes an unclosed '[' literally; the user almost surely meant a class.
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '[') continue;
    size_t j = i + 1;
    if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
    if (j < pattern.size() && pattern[j] == ']') ++j;  // a leading ']' is a member
    j = pattern.find(']', j);
    if (j == std::string::npos)
      return make_error(ErrorKind::InvalidArgument, fmt::format("{} '{}' has a '[' that is never closed (write '\\[' for a literal '[')", where, pattern));
    i = j;
  }
  return {};
}

Result<SnapshotFilter> snapshot_filter(const CommandLine& cl, bool this_host_by_default) {
  SnapshotFilter f;
  f.hosts = cl.all("host");
  if (f.hosts.empty() && this_host_by_default) f.hosts.push_back(host_name(cl));
  for (const auto& given : cl.all("path")) {
    std::string p = std::filesystem::path(given).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p[0] != '/') return make_error(ErrorKind::InvalidArgument, fmt::format("--path '{}' must be an absolute path, as backed up", given));
    f.paths.push_back(p);
  }
  return f;
}

std::string default_repository_url() { return "file://" + xdg("XDG_DATA_HOME", ".local/share") + "/gridbackup/repository"; }
std::string default_cap_file() { return xdg("XDG_CONFIG_HOME", ".config") + "/gridbackup/cap"; }

std::string state_dir(const CommandLine& cl) {
  if (auto v = cl.value("state-dir")) return *v;
  std::string e = env("GRIDBACKUP_STATE_DIR");
  return e.empty() ? xdg("XDG_STATE_HOME", ".local/state") + "/gridbackup" : e;
}

std::string cap_file(const CommandLine& cl) {
  if (auto v = cl.value("cap-file")) return *v;
  std::string e = env("GRIDBACKUP_CAP_FILE");
  return e.empty() ? default_cap_file() : e;
}

Result<RootCap> load_cap(const CommandLine& cl) {
  if (auto v = cl.value("cap")) return parse_cap(*v);
  if (std::string e = env("GRIDBACKUP_CAP"); !e.empty()) return parse_cap(e);
  std::string file = cap_file(cl);
  std::ifstream in(file);
  if (!in)
    return make_error(ErrorKind::WrongKey, fmt::format("no root cap: the cap file {} cannot be read (give --cap, --cap-file, or run 'gridbackup init')", file));
  GB_CHECK(check_cap_file_mode(file));
  std::stringstream ss;
  ss << in.rdbuf();
  auto cap = parse_cap(ss.str());
  if (!cap) return make_error(cap.error().kind, fmt::format("{} (in {})", cap.error().message, file));
  return cap;
}

std::string repository_url(const CommandLine& cl, const RootCap& cap) {
  if (auto v = cl.value("repo")) return *v;
  if (std::string e = env("GRIDBACKUP_REPO"); !e.empty()) return e;
  return cap.url;
}

Result<std::unique_ptr<Repository>> open_repository(const CommandLine& cl, bool load_index) {
  GB_ASSIGN(RootCap cap, load_cap(cl));
  std::string url = repository_url(cl, cap);
  GB_ASSIGN(auto backend, open_backend(url));
  // Opened without the index: the lock comes first, so a prune that plans
  // after this process read the index waits for it (repository_lock.h).
  auto repo = Repository::open(std::move(backend), cap.master, false);
  if (!repo && (repo.error().kind == ErrorKind::NotFound || repo.error().kind == ErrorKind::Io)) {
    // No config object (or a path below a regular file, ENOTDIR). When the
    // location itself is missing or not a directory (a bucket or directory
    // name with a typo, most likely), say that instead: no repository, exit 10.
    if (auto again = open_backend(url)) {
      auto there = (*again)->exists();
      if (there && !*there) {
        std::string path = url.rfind("file://", 0) == 0 ? url.substr(7) : "";
        std::error_code ec;
        bool is_other = !path.empty() && std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec);
        return make_error(ErrorKind::NotFound,
                          fmt::format("there is no GridBackup repository at {}: the {} it names {} (check the URL, or run 'gridbackup init' to create one)",
                                      url, url.rfind("s3://", 0) == 0 ? "bucket" : "directory",
                                      is_other ? "is not a directory" : "does not exist"));
      }
    }
  }
  if (!repo) return repo;
  auto lock = RepositoryLock::shared((*repo)->backend(), (*repo)->keys().metadata, cl.command, host_name(cl));
  if (lock) {
    (*repo)->hold(std::move(*lock));
  } else {
    // Commands that only read still work on storage they cannot write to
    // (a read-only mount, a friend's read-only share); those that store
    // anything must be seen by prune.
    static const std::set<std::string> kWriters = {"backup", "upload", "forget"};
    if (kWriters.count(cl.command)) return lock.error();
    std::fprintf(stderr, "gridbackup: note: no lock could be stored (%s); a prune running now could disturb this %s\n",
                 lock.error().message.c_str(), cl.command.c_str());
  }
  if (load_index) GB_CHECK((*repo)->load_index());
  return repo;
}

std::string repository_state_dir(const std::string& state, const Repository& repo) {
  return state + "/" + to_hex(repo.config().repository_id);
}

std::string repository_state_dir(const CommandLine& cl, const Repository& repo) { return repository_state_dir(state_dir(cl), repo); }

Result<std::unique_ptr<UploadQueue>> open_queue(const CommandLine& cl, const Repository& repo) {
  std::string dir = repository_state_dir(cl, repo);
  GB_CHECK(make_private_dir(state_dir(cl)));
  GB_CHECK(make_private_dir(dir));
  return UploadQueue::open(dir + "/queue.db");
}

Result<TransferOptions> transfer_options(const CommandLine& cl) {
  TransferOptions t;
  t.parallel = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  auto number = [](const std::string& name, const std::string& text, uint64_t max) -> Result<uint64_t> {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end || errno || v == 0 || v > max || text[0] == '-')
      return make_error(ErrorKind::InvalidArgument, fmt::format("--{} needs a whole number from 1 to {}, not '{}'", name, max, text));
    return static_cast<uint64_t>(v);
  };
  if (auto v = cl.value("limit-upload")) {
    GB_ASSIGN(uint64_t kib, number("limit-upload", *v, 1ull << 40));
    t.limit_bytes_per_second = kib * 1024;
  }
  if (auto v = cl.value("parallel")) {
    GB_ASSIGN(uint64_t n, number("parallel", *v, 64));
    t.parallel = static_cast<int>(n);
  }
  if (auto v = cl.value("commit-interval")) {
    GB_ASSIGN(t.commit_interval_seconds, number("commit-interval", *v, 86400));
  }
  if (auto v = cl.value("max-delta-chain")) {
    // 0 is allowed: never store deltas.
    if (*v == "0") {
      t.max_delta_chain = 0;
    } else {
      GB_ASSIGN(uint64_t n, number("max-delta-chain", *v, 1000));
      t.max_delta_chain = static_cast<uint32_t>(n);
    }
  }
  return t;
}

std::string host_name(const CommandLine& cl) {
  if (auto v = cl.value("host")) return *v;
  if (std::string e = env("GRIDBACKUP_HOST"); !e.empty()) return e;
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string user_name() {
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

}  // namespace gb
