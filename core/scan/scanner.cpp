#include "core/scan/scanner.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "core/common/path_order.h"
#include "core/journal/slice_plan.h"
#include "core/scan/device_boundary.h"

namespace gb {
namespace {

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

NodeType node_type(mode_t m) {
  if (S_ISDIR(m)) return NodeType::Dir;
  if (S_ISLNK(m)) return NodeType::Symlink;
  if (S_ISFIFO(m)) return NodeType::Fifo;
  if (S_ISCHR(m)) return NodeType::CharDev;
  if (S_ISBLK(m)) return NodeType::BlockDev;
  if (S_ISSOCK(m)) return NodeType::Socket;
  return NodeType::File;
}

// xattrs, sorted by name. An unsupported filesystem simply has none.
bool read_xattrs(const std::string& path, Entry& e, std::string& problem) {
  std::vector<char> names(1024);
  ssize_t n;
  for (;;) {
    n = ::llistxattr(path.c_str(), names.data(), names.size());
    if (n >= 0) break;
    if (errno == ERANGE) {
      names.resize(names.size() * 4);
      continue;
    }
    if (errno == ENOTSUP || errno == ENODATA) return true;
    problem = fmt::format("cannot list extended attributes: {}", std::strerror(errno));
    return false;
  }
  for (ssize_t i = 0; i < n;) {
    std::string name(names.data() + i);
    i += static_cast<ssize_t>(name.size()) + 1;
    std::string value(256, '\0');
    for (;;) {
      ssize_t v = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
      if (v >= 0) {
        value.resize(static_cast<size_t>(v));
        break;
      }
      if (errno == ERANGE) {
        value.resize(value.size() * 16);
        continue;
      }
      if (errno == ENODATA) break;  // removed while we looked
      problem = fmt::format("cannot read extended attribute {}: {}", name, std::strerror(errno));
      return false;
    }
    e.xattrs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(e.xattrs.begin(), e.xattrs.end());
  return true;
}

}  // namespace

bool Excludes::matches(const std::string& path) const {
  for (const auto& g : globs_)
    if (g.matches(path)) return true;
  return false;
}

bool stat_entry(const std::string& path, Entry& e, std::string& problem) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    problem = std::strerror(errno);
    return false;
  }
  e = Entry{};
  e.path = path;
  e.type = node_type(st.st_mode);
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.size = e.type == NodeType::File ? static_cast<uint64_t>(st.st_size) : 0;
  e.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  e.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  e.inode = st.st_ino;
  e.device = st.st_dev;
  if (e.type != NodeType::Dir && st.st_nlink > 1) e.hardlink_id = (static_cast<uint64_t>(st.st_dev) << 40) ^ st.st_ino ^ 0x9e3779b97f4a7c15ull;
  if (e.type == NodeType::CharDev || e.type == NodeType::BlockDev) e.rdev = st.st_rdev;
  if (!is_valid_utf8(path)) e.flags |= kNameNotUtf8;
  if (e.type == NodeType::Symlink) {
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) {
      problem = fmt::format("cannot read symlink: {}", std::strerror(errno));
      return false;
    }
    target.resize(static_cast<size_t>(n));
    e.symlink_target = std::move(target);
  }
  return read_xattrs(path, e, problem);
}

Scanner::Scanner(std::vector<std::string> roots, Excludes excludes, std::function<void(ScanProblem)> on_problem,
                 std::optional<uint64_t> listing_device)
    : roots_(std::move(roots)), excludes_(std::move(excludes)), listing_device_(listing_device), on_problem_(std::move(on_problem)) {}

void Scanner::enter(const Entry& dir) {
  Frame f{dir.path, {}, 0, dir.device};
  DIR* d = ::opendir(dir.path.c_str());
  if (!d) {
    on_problem_({dir.path, fmt::format("cannot read directory: {}", std::strerror(errno))});
    return;
  }
  errno = 0;
  while (struct dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") == 0 || std::strcmp(de->d_name, "..") == 0) continue;
    f.names.emplace_back(de->d_name);
  }
  if (errno != 0) on_problem_({dir.path, fmt::format("cannot read directory completely: {}", std::strerror(errno))});
  ::closedir(d);
  std::sort(f.names.begin(), f.names.end());
  stack_.push_back(std::move(f));
}

bool Scanner::next(Entry& e) {
  for (;;) {
    std::string path;
    if (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.next >= top.names.size()) {
        stack_.pop_back();
        continue;
      }
      path = join(top.dir, top.names[top.next++]);
      // Cookie files are the agent synchronisation of a concurrent backup.
      if (excludes_.matches(path) || is_cookie_name(path)) continue;
    } else if (next_root_ < roots_.size()) {
      path = roots_[next_root_++];
    } else {
      return false;
    }
    std::string problem;
    if (!stat_entry(path, e, problem)) {
      if (problem != std::strerror(ENOENT)) on_problem_({path, problem});  // vanished since listed: not a problem
      continue;
    }
    // A directory on another device (a mount point, a btrfs subvolume) is
    // recorded, not entered; a root is entered unless it is such a directory
    // of a scan from above.
    std::optional<uint64_t> listing = stack_.empty() ? listing_device_ : std::optional<uint64_t>(stack_.back().device);
    if (e.type == NodeType::Dir && (!listing || enters_directory(e.device, *listing))) enter(e);
    return true;
  }
}

Result<std::vector<std::string>> normalise_roots(const std::vector<std::string>& paths) {
  std::vector<std::string> roots;
  for (const auto& p : paths) {
    if (p.empty()) return make_error(ErrorKind::InvalidArgument, "an empty path was given to back up");
    std::error_code ec;
    std::string abs = std::filesystem::absolute(p, ec).lexically_normal().string();
    if (ec) return make_error(ErrorKind::InvalidArgument, fmt::format("cannot resolve path {}: {}", p, ec.message()));
    while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
    struct stat st;
    if (::lstat(abs.c_str(), &st) != 0)
      return make_error(errno == ENOENT ? ErrorKind::NotFound : ErrorKind::Io, fmt::format("cannot back up {}: {}", p, std::strerror(errno)));
    roots.push_back(abs);
  }
  std::sort(roots.begin(), roots.end(), path_less);
  std::vector<std::string> out;
  for (auto& r : roots)
    if (out.empty() || !path_within(r, out.back())) out.push_back(r);
  return out;
}

}  // namespace gb
