#include "core/scan/scanner.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/common/path_order.h"
#include "core/common/posix_error.h"
#include "core/common/valid_utf8.h"
#include "core/fs/file_system.h"
#include "core/journal/slice_plan.h"
#include "core/scan/device_boundary.h"

namespace gb {
namespace {

std::string join(const std::string& dir, const std::string& name) { return dir == "/" ? "/" + name : dir + "/" + name; }

NodeType node_type(fs::FileType t) {
  switch (t) {
    case fs::FileType::Dir:
      return NodeType::Dir;
    case fs::FileType::Symlink:
      return NodeType::Symlink;
    case fs::FileType::Fifo:
      return NodeType::Fifo;
    case fs::FileType::CharDev:
      return NodeType::CharDev;
    case fs::FileType::BlockDev:
      return NodeType::BlockDev;
    case fs::FileType::Socket:
      return NodeType::Socket;
    case fs::FileType::File:
      break;
  }
  return NodeType::File;
}

}  // namespace

Result<Entry> stat_entry(const std::string& path) {
  fs::FileInfo st;
  if (!fs::lstat_info(path, st)) return posix_error("", errno).about_path(path);
  Entry e;
  e.path = path;
  e.type = node_type(st.type);
  e.mode = st.mode;
  e.uid = st.uid;
  e.gid = st.gid;
  e.size = e.type == NodeType::File ? st.size : 0;
  e.mtime_ns = st.mtime_ns;
  e.ctime_ns = st.ctime_ns;
  e.inode = st.inode;
  e.device = st.device;
  if (e.type != NodeType::Dir && st.links > 1) e.hardlink_id = (st.device << 40) ^ st.inode ^ 0x9e3779b97f4a7c15ull;
  if (e.type == NodeType::CharDev || e.type == NodeType::BlockDev) e.rdev = st.rdev;
  if (!is_valid_utf8(path)) e.flags |= kNameNotUtf8;
  if (e.type == NodeType::Symlink && !fs::read_symlink(path, st.size, e.symlink_target))
    return posix_error("cannot read symlink", errno).about_path(path);
  auto xattrs = fs::read_xattrs(path);
  if (!xattrs) return Error(xattrs.error()).about_path(path);
  e.xattrs = std::move(*xattrs);
  return e;
}

Scanner::Scanner(std::vector<std::string> roots, ExcludeRules excludes, std::function<void(ScanProblem)> on_problem,
                 std::optional<uint64_t> listing_device, std::vector<std::string> all_roots)
    : roots_(std::move(roots)),
      excludes_(std::move(excludes)),
      listing_device_(listing_device),
      boundary_([&] {
        // A subtree's top is not a root of the scan from above (unless named there).
        if (!listing_device) all_roots.insert(all_roots.end(), roots_.begin(), roots_.end());
        return all_roots;
      }()),
      on_problem_(std::move(on_problem)) {
  // A root inside another is met by the walk of the outer one.
  std::vector<std::string> walked;
  for (auto& r : roots_)
    if (walked.empty() || !path_within(r, walked.back())) walked.push_back(std::move(r));
  roots_ = std::move(walked);
}

void Scanner::pass_through(const Entry& dir) { stack_.push_back(Frame{dir.path, boundary_.names_toward_roots(dir.path), 0, dir.device, true}); }

void Scanner::enter(const Entry& dir) {
  Frame f{dir.path, {}, 0, dir.device};
  DIR* d = ::opendir(dir.path.c_str());
  if (!d) {
    on_problem_({dir.path, posix_error("cannot read directory", errno).message});
    return;
  }
  errno = 0;
  while (struct dirent* de = ::readdir(d)) {
    if (std::strcmp(de->d_name, ".") == 0 || std::strcmp(de->d_name, "..") == 0) continue;
    f.names.emplace_back(de->d_name);
  }
  if (errno != 0) on_problem_({dir.path, posix_error("cannot read directory completely", errno).message});
  ::closedir(d);
  std::sort(f.names.begin(), f.names.end());
  // A tagged directory (a cache, --exclude-if-present) is kept with its tag files only.
  if (std::vector<std::string> keep; excludes_.has_tag_files() && excludes_.tagged(dir.path, f.names, keep)) f.names = std::move(keep);
  stack_.push_back(std::move(f));
}

bool Scanner::next(Entry& e) {
  for (;;) {
    std::string path;
    bool passing = !stack_.empty() && stack_.back().pass;
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
    auto found = stat_entry(path);
    if (!found) {
      if (found.error().cause != Cause::NotFound) on_problem_({path, found.error().message});  // vanished since listed: not a problem
      continue;
    }
    if (excludes_.too_large(*found)) continue;
    e = std::move(*found);
    if (passing && !boundary_.is_root(path)) {
      if (e.type == NodeType::Dir) pass_through(e);
      continue;
    }
    // A directory on another device (a mount point, a btrfs subvolume) is
    // recorded, not entered, unless it is a root; a subtree's top is entered
    // as the scan from above would.
    std::optional<uint64_t> listing = stack_.empty() ? listing_device_ : std::optional<uint64_t>(stack_.back().device);
    if (e.type == NodeType::Dir) {
      if (!listing || boundary_.enters(path, e.device, *listing)) {
        enter(e);
      } else {
        unentered_.push_back(path);
        if (!boundary_.names_toward_roots(path).empty()) pass_through(e);
      }
    }
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
      return posix_error("cannot back up " + p, errno, errno == ENOENT ? ErrorKind::NotFound : ErrorKind::Io).about_path(abs);
    roots.push_back(abs);
  }
  std::sort(roots.begin(), roots.end(), path_less);
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  // A root inside another is kept only behind a device boundary of it (a
  // mount point or subvolume the outer scan does not enter); otherwise that
  // scan already covers it.
  std::vector<std::string> out;
  for (auto& r : roots)
    if (out.empty() || !ScanReach(out).covers(r)) out.push_back(r);
  return out;
}

}  // namespace gb
