#include "core/cli/options.h"

#include "core/scan/exclude_rules.h"
#include "core/storage/object_cache.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/cli/cap_policy.h"
#include "core/common/number_text.h"
#include "core/common/posix_error.h"
#include "core/common/private_files.h"
#include "core/common/user_dirs.h"
#include "core/connect/open_backend.h"
#include "core/repository/repository_lock.h"

namespace gb {
namespace {

// The cap opens everything: a cap file others may write could be swapped
// for one that sends this machine's backups elsewhere (refused); one others
// may read gives them every backup (warned once, since old installs made it so).
Status check_cap_file_mode(const std::string& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) return {};
  unsigned mode = st.st_mode & 07777;
  if (mode & 022)
    return make_error(ErrorKind::WrongKey, fmt::format("the cap file {} is writable by other users (mode {:04o}), so it cannot be trusted; "
                                                       "check its content, then chmod 600 {}",
                                                       file, mode, file));
  static bool warned = false;
  if ((mode & 044) && !warned) {
    warned = true;
    std::fprintf(stderr,
                 "gridbackup: warning: the cap file %s is readable by other users (mode %04o), and the cap opens every backup; chmod 600 %s\n",
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

Status check_exclude_pattern(const std::string& pattern, const std::string& where) {
  GB_CHECK(ExcludePattern::parse(pattern, false, where));
  return {};
}

Result<std::vector<std::string>> tag_names(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = value.find(',', start);
    std::string tag = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    // Blanks around a name go, as restic trims them; an empty name is no tag.
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    for (unsigned char c : tag)
      if (c < 0x20 || c == 0x7f) return make_error(ErrorKind::InvalidArgument, "a tag may not hold control characters (newline, tab, ...)");
    if (!tag.empty()) out.push_back(tag);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

Result<std::vector<std::string>> tag_set(const std::vector<std::string>& values) {
  std::set<std::string> tags;
  for (const auto& v : values) {
    GB_ASSIGN(auto names, tag_names(v));
    tags.insert(names.begin(), names.end());
  }
  return std::vector<std::string>(tags.begin(), tags.end());
}

Result<SnapshotFilter> snapshot_filter(const CommandLine& cl, bool this_host_by_default) {
  SnapshotFilter f;
  for (const auto& v : cl.all("tag")) {
    GB_ASSIGN(auto list, tag_names(v));
    if (!list.empty()) f.tags.push_back(std::move(list));
  }
  f.hosts = cl.all("host");
  if (f.hosts.empty() && this_host_by_default) f.hosts.push_back(host_name(cl));
  for (const auto& given : cl.all("path")) {
    std::string p = std::filesystem::path(given).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p[0] != '/')
      return make_error(ErrorKind::InvalidArgument, fmt::format("--path '{}' must be an absolute path, as backed up", given));
    f.paths.push_back(p);
  }
  return f;
}

std::string default_repository_url() { return "file://" + xdg_dir("XDG_DATA_HOME", ".local/share") + "/gridbackup/repository"; }
std::string default_cap_file() { return xdg_dir("XDG_CONFIG_HOME", ".config") + "/gridbackup/cap"; }

LocalState local_state(const CommandLine& cl) { return LocalState::locate(cl.value("state-dir")); }

std::string cap_file(const CommandLine& cl) {
  if (auto v = cl.value("cap-file")) return *v;
  std::string e = env_value("GRIDBACKUP_CAP_FILE");
  return e.empty() ? default_cap_file() : e;
}

Status save_cap_file(const std::string& path, const std::string& cap) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("a cap file already exists at {}; choose another with --cap-file (it may open another repository)", path));
    return posix_error(fmt::format("cannot write the cap file {}", path), errno);
  }
  std::string text = cap + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(ErrorKind::Io, fmt::format("cannot write the cap file {}", path));
  return {};
}

static Result<std::string> load_cap_text(const CommandLine& cl) {
  if (auto v = cl.value("cap")) return *v;
  if (std::string e = env_value("GRIDBACKUP_CAP"); !e.empty()) return e;
  std::string file = cap_file(cl);
  std::ifstream in(file);
  if (!in)
    return make_error(ErrorKind::WrongKey,
                      fmt::format("no root cap: the cap file {} cannot be read (give --cap, --cap-file, or run 'gridbackup init')", file));
  GB_CHECK(check_cap_file_mode(file));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<AnyCap> load_any_cap(const CommandLine& cl) {
  GB_ASSIGN(std::string text, load_cap_text(cl));
  auto cap = parse_any_cap(text);
  bool from_file = !cl.value("cap") && env_value("GRIDBACKUP_CAP").empty();
  if (!cap && from_file) return make_error(cap.error().kind, fmt::format("{} (in {})", cap.error().message, cap_file(cl)));
  return cap;
}

Result<RootCap> load_cap(const CommandLine& cl) {
  GB_ASSIGN(AnyCap cap, load_any_cap(cl));
  // A derived cap is refused here, by the one table of what each cap may do,
  // before anything is fetched: every command says so the same way (exit 13).
  if (auto* derived = std::get_if<DerivedCap>(&cap)) return cap_refusal(derived->kind, cl.command);
  return std::get<RootCap>(std::move(cap));
}

std::string repository_url(const CommandLine& cl, const RootCap& cap) {
  if (auto v = cl.value("repo")) return *v;
  if (std::string e = env_value("GRIDBACKUP_REPO"); !e.empty()) return e;
  return cap.url;
}

Result<std::unique_ptr<Repository>> open_repository(const CommandLine& cl, bool load_index) {
  GB_ASSIGN(RootCap cap, load_cap(cl));
  return open_repository_at(cl, cap, repository_url(cl, cap), cl.stores, load_index);
}

Result<std::unique_ptr<Repository>> open_source_repository(const CommandLine& cl) {
  auto from_repo = cl.value("from-repo");
  if (!from_repo && !env_value("GRIDBACKUP_FROM_REPO").empty()) from_repo = env_value("GRIDBACKUP_FROM_REPO");
  std::optional<std::string> text = cl.value("from-cap");
  if (!text && !env_value("GRIDBACKUP_FROM_CAP").empty()) text = env_value("GRIDBACKUP_FROM_CAP");
  std::string file;
  if (!text) {
    if (auto v = cl.value("from-cap-file"))
      file = *v;
    else
      file = env_value("GRIDBACKUP_FROM_CAP_FILE");
  }
  if (!text && file.empty())
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("{} needs the source repository's cap: --from-cap-file FILE or --from-cap CAP (or GRIDBACKUP_FROM_CAP_FILE, "
                                  "GRIDBACKUP_FROM_CAP){}",
                                  cl.command, from_repo ? "" : ", and --from-repo URL if it moved"));
  if (!text) {
    std::ifstream in(file);
    if (!in) return make_error(ErrorKind::WrongKey, fmt::format("the source repository's cap file {} cannot be read", file));
    GB_CHECK(check_cap_file_mode(file));
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto any = parse_any_cap(*text);
  if (!any)
    return make_error(any.error().kind,
                      fmt::format("the source repository's cap: {}{}", any.error().message, file.empty() ? "" : " (in " + file + ")"));
  if (auto* derived = std::get_if<DerivedCap>(&*any)) return cap_refusal(derived->kind, cl.command);
  RootCap cap = std::get<RootCap>(std::move(*any));
  std::string url = from_repo ? *from_repo : cap.url;
  auto repo = open_repository_at(cl, cap, url, /*stores=*/false, /*load_index=*/true);
  if (!repo) return repo.error().in_context("the source repository");
  return repo;
}

Result<std::unique_ptr<Repository>> open_repository_at(const CommandLine& cl, const RootCap& cap, const std::string& url, bool stores,
                                                       bool load_index) {
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
        return make_error(
            ErrorKind::NotFound,
            fmt::format("there is no GridBackup repository at {}: the {} it names {} (check the URL, or run 'gridbackup init' to create one)", url,
                        url.rfind("s3://", 0) == 0 ? "bucket" : "directory", is_other ? "is not a directory" : "does not exist"));
      }
    }
  }
  if (!repo) return repo;
  // Snapshot and index objects come from this machine's copies when it has
  // them (requests independent of how many there are); verify and repair
  // check what the storage holds, so they read it.
  if (cl.command != "verify" && cl.command != "repair" && cl.command != "grid") {
    std::string cache = local_state(cl).object_cache_dir(**repo);
    (*repo)->wrap_backend([&](std::unique_ptr<Backend> inner) { return std::make_unique<ObjectCacheBackend>(std::move(inner), cache); });
  }
  GB_ASSIGN(std::string note, (*repo)->lock_shared(cl.command, host_name(cl), stores));
  if (!note.empty()) std::fprintf(stderr, "gridbackup: note: %s\n", note.c_str());
  if (load_index) GB_CHECK((*repo)->load_index());
  return repo;
}

Result<std::unique_ptr<UploadQueue>> open_queue(const CommandLine& cl, const Repository& repo) { return local_state(cl).open_queue(repo); }

Result<TransferOptions> transfer_options(const CommandLine& cl) {
  TransferOptions t;
  t.parallel = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  auto number = [](const std::string& name, const std::string& text, uint64_t max) -> Result<uint64_t> {
    auto v = parse_uint(text, max);
    if (!v || *v == 0)
      return make_error(ErrorKind::InvalidArgument, fmt::format("--{} needs a whole number from 1 to {}, not '{}'", name, max, text));
    return *v;
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
  if (std::string e = env_value("GRIDBACKUP_HOST"); !e.empty()) return e;
  if (cl.config)
    if (auto v = cl.config->value("host")) return *v;
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string user_name() {
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

}  // namespace gb
