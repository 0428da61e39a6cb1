#include "core/restore/target_tree.h"
#include "core/common/posix_error.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace gb {

bool split_stored_path(const std::string& path, std::vector<std::string>& names) {
  names.clear();
  if (path.empty() || path[0] != '/') return false;
  if (path == "/") return true;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (name.empty() || name == "." || name == "..") return false;
    names.push_back(std::move(name));
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

TargetTree::~TargetTree() {
  close_from(0);
  if (root_ >= 0) ::close(root_);
}

Status TargetTree::open(const std::string& target) {
  target_ = target;
  root_ = ::open(target.empty() ? "/" : target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_ < 0) return posix_error(fmt::format("cannot open the target directory {}", target), errno);
  remove_leftovers(root_);
  return {};
}

Status TargetTree::open_read_only(const std::string& target) {
  target_ = target;
  read_only_ = true;
  root_ = ::open(target.empty() ? "/" : target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_ < 0 && errno != ENOENT) return posix_error(fmt::format("cannot open the target directory {}", target), errno);
  return {};
}

std::string TargetTree::shown(const std::vector<std::string>& names, size_t n) const {
  std::string s = target_;
  for (size_t i = 0; i < n; ++i) s += "/" + names[i];
  return s.empty() ? "/" : s;
}

void TargetTree::close_from(size_t level) {
  while (stack_.size() > level) {
    ::close(stack_.back().second);
    stack_.pop_back();
  }
}

void TargetTree::remove_leftovers(int fd) {
  // Once per directory: later visits would remove this restore's own files in progress.
  struct stat st;
  if (::fstat(fd, &st) != 0 || !cleaned_.emplace(st.st_dev, st.st_ino).second) return;
  int copy = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return;
  DIR* d = ::fdopendir(copy);
  if (!d) {
    ::close(copy);
    return;
  }
  std::vector<std::string> stale;
  while (struct dirent* de = ::readdir(d))
    if (std::strncmp(de->d_name, kRestoreTempPrefix, std::strlen(kRestoreTempPrefix)) == 0) stale.emplace_back(de->d_name);
  ::closedir(d);
  for (const auto& name : stale) ::unlinkat(fd, name.c_str(), 0);
}

Result<int> TargetTree::dir(const std::vector<std::string>& names, size_t n) {
  size_t keep = 0;
  while (keep < stack_.size() && keep < n && stack_[keep].first == names[keep]) ++keep;
  close_from(keep);
  if (root_ < 0) return make_error(ErrorKind::NotFound, fmt::format("{} does not exist", shown(names, 0)));
  for (size_t i = keep; i < n; ++i) {
    int parent = i == 0 ? root_ : stack_.back().second;
    const char* name = names[i].c_str();
    bool made = false;
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && read_only_) return make_error(ErrorKind::NotFound, fmt::format("{} does not exist", shown(names, i + 1)));
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
        return posix_error(fmt::format("cannot create directory {}", shown(names, i + 1)), errno);
      made = true;
      fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      int err = errno;
      struct stat st;
      if ((err == ELOOP || err == ENOTDIR) && ::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return make_error(ErrorKind::Io, S_ISLNK(st.st_mode)
                                             ? fmt::format("{} is a symlink in the target; restore never follows one", shown(names, i + 1))
                                             : fmt::format("{} is in the way and not a directory", shown(names, i + 1)));
      return posix_error(fmt::format("cannot open directory {}", shown(names, i + 1)), err);
    }
    if (!made && !read_only_)
      remove_leftovers(fd);
    else {
      struct stat st;
      if (::fstat(fd, &st) == 0) cleaned_.emplace(st.st_dev, st.st_ino);
    }
    stack_.emplace_back(names[i], fd);
  }
  return n == 0 ? root_ : stack_.back().second;
}

}  // namespace gb
