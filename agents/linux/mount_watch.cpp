#include "agents/linux/mount_watch.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#include "core/common/path_order.h"
#include "core/common/posix_error.h"

namespace gb {
// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_mountinfo(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point;
    if (fields >> id >> parent >> devno >> root >> point) out[id] = unescape_mountinfo(point);
  }
  return out;
}

Result<MountWatch> MountWatch::open(std::vector<std::string> roots, std::vector<std::string> fs_ids) {
  MountWatch w;
  w.fd_ = ::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (w.fd_ < 0) return posix_error("cannot read the mount table (/proc/self/mountinfo)", errno);
  w.roots_ = std::move(roots);
  w.fs_ids_ = std::move(fs_ids);
  w.mounts_ = parse_mountinfo(w.read_table());
  return w;
}

MountWatch::MountWatch(MountWatch&& o) noexcept
    : fd_(o.fd_), pending_(o.pending_), roots_(std::move(o.roots_)), fs_ids_(std::move(o.fs_ids_)), mounts_(std::move(o.mounts_)) {
  o.fd_ = -1;
}

MountWatch::~MountWatch() {
  if (fd_ >= 0) ::close(fd_);
}

std::string MountWatch::read_table() const {
  std::string text;
  char buf[16384];
  ::lseek(fd_, 0, SEEK_SET);
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

void MountWatch::changes(int64_t time_ns, std::vector<ChangeRecord>& out) {
  struct pollfd p = {fd_, POLLPRI, 0};
  if (::poll(&p, 1, 0) > 0) notice(p.revents);
  if (!pending_) return;
  pending_ = false;
  auto now = parse_mountinfo(read_table());  // reading from the start acknowledges the change
  std::set<std::string> changed;
  for (const auto& [id, point] : now)
    if (!mounts_.count(id) || mounts_.at(id) != point) changed.insert(point);
  for (const auto& [id, point] : mounts_)
    if (!now.count(id) || now.at(id) != point) changed.insert(point);
  mounts_ = std::move(now);
  for (const auto& point : changed)
    for (size_t i = 0; i < roots_.size(); ++i) {
      // Inside a root: that directory. At or above one: the whole root.
      const std::string& root = roots_[i];
      std::string fs_id = i < fs_ids_.size() ? fs_ids_[i] : std::string();
      if (path_within(point, root) || path_within(root, point))
        out.push_back(ChangeRecord{fs_id, path_within(point, root) ? point : root, ChangeKind::RescanNeeded, true, time_ns, 0, 0});
    }
}

}  // namespace gb
