#include "agents/linux/shared_mappings.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/common/path_order.h"

namespace gb {
namespace {

constexpr std::string_view kDeleted = " (deleted)";

// The next space-separated field of `line` from `pos` (skipping the spaces
// before it); empty at the end.
std::string_view next_field(std::string_view line, size_t& pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  size_t start = pos;
  while (pos < line.size() && line[pos] != ' ') ++pos;
  return line.substr(start, pos - start);
}

// The kernel prints a mapped file's path with seq_file_path(..., "\n"): only
// a newline is escaped, as "\012" (a name holding the four bytes "\012" reads
// the same; names_inode() tells them apart).
std::string unescape_newlines(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 4, "\\012") == 0) {
      out += '\n';
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// False (errno set) when a read fails.
bool read_all(int fd, std::string& text) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    text.append(buf, static_cast<size_t>(n));
  }
}

// The command name of process `pid`, for the agent's log; "?" if unknown.
std::string process_name(const char* pid) {
  std::string name;
  int fd = ::open(fmt::format("/proc/{}/comm", pid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    read_all(fd, name);
    ::close(fd);
  }
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return name.empty() ? "?" : name;
}

void add_mapping(std::string path, uint64_t inode, std::set<std::pair<std::string, uint64_t>>& seen, std::vector<SharedMapping>& out) {
  if (!seen.emplace(path, inode).second) return;
  SharedMapping m{std::move(path), {}, inode};
  if (m.path.size() > kDeleted.size() && std::string_view(m.path).substr(m.path.size() - kDeleted.size()) == kDeleted)
    m.unlinked = m.path.substr(0, m.path.size() - kDeleted.size());
  out.push_back(std::move(m));
}

// Linux 6.11's PROCMAP_QUERY ioctl on a maps file (uapi/linux/fs.h; Debian
// 12's headers predate it, hence the copy): the kernel finds the next mapping
// that is shared and file backed, so the text of all the others is never
// formatted, which is most of the cost of reading the file.
struct ProcmapQuery {
  uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
  uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
  uint64_t vma_name_addr, build_id_addr;
};
static_assert(sizeof(ProcmapQuery) == 104);
constexpr unsigned long kProcmapQuery = 0xC0686611;  // _IOWR('f', 17, struct procmap_query)
constexpr uint64_t kVmaShared = 0x08, kCoveringOrNext = 0x10, kFileBacked = 0x20;

enum class Query { Answered, Unsupported, Failed };

// The shared file mappings of the open maps file `fd` (errno set on Failed).
Query query_shared_mappings(int fd, std::vector<SharedMapping>& out) {
  std::set<std::pair<std::string, uint64_t>> seen;
  std::string name(PATH_MAX + 64, '\0');  // d_path's " (deleted)" included
  for (uint64_t addr = 0;;) {
    ProcmapQuery q{};
    q.size = sizeof q;
    q.query_flags = kVmaShared | kCoveringOrNext | kFileBacked;
    q.query_addr = addr;
    q.vma_name_addr = reinterpret_cast<uintptr_t>(name.data());
    q.vma_name_size = static_cast<uint32_t>(name.size());
    if (::ioctl(fd, kProcmapQuery, &q) != 0) {
      if (errno == EINTR) continue;
      if (errno == ENOENT) return Query::Answered;  // no mapping at or after addr
      if (errno == ENOTTY && addr == 0) return Query::Unsupported;
      if (errno != ENAMETOOLONG) return Query::Failed;
      // A name no path buffer holds cannot be stat'ed either: step over it.
      q = ProcmapQuery{};
      q.size = sizeof q;
      q.query_flags = kVmaShared | kCoveringOrNext | kFileBacked;
      q.query_addr = addr;
      if (::ioctl(fd, kProcmapQuery, &q) != 0) return errno == ENOENT ? Query::Answered : Query::Failed;
      addr = q.vma_end;
      continue;
    }
    if (q.inode != 0 && q.vma_name_size > 1 && name[0] == '/') add_mapping(std::string(name.data(), q.vma_name_size - 1), q.inode, seen, out);
    addr = q.vma_end;
  }
}

}  // namespace

std::vector<SharedMapping> parse_shared_mappings(std::string_view maps) {
  std::vector<SharedMapping> out;
  std::set<std::pair<std::string, uint64_t>> seen;
  for (size_t start = 0; start < maps.size();) {
    size_t nl = maps.find('\n', start);
    if (nl == std::string_view::npos) nl = maps.size();
    std::string_view line = maps.substr(start, nl - start);
    start = nl + 1;
    // address perms offset dev inode [path]
    size_t pos = 0;
    next_field(line, pos);
    std::string_view perms = next_field(line, pos);
    if (perms.size() != 4 || perms[3] != 's') continue;
    next_field(line, pos);
    next_field(line, pos);
    std::string_view inode = next_field(line, pos);
    while (pos < line.size() && line[pos] == ' ') ++pos;
    std::string_view path = line.substr(pos);
    // Shared anonymous memory shows as "/dev/zero (deleted)" and a SysV
    // segment as "/SYSV00000000 (deleted)": kept, they cost a backup below
    // "/" one stat of a name that is not there.
    uint64_t ino = 0;
    for (char c : inode) {
      if (c < '0' || c > '9') {
        ino = 0;
        break;
      }
      ino = ino * 10 + static_cast<uint64_t>(c - '0');
    }
    if (ino == 0 || path.empty() || path[0] != '/') continue;
    add_mapping(unescape_newlines(path), ino, seen, out);
  }
  return out;
}

void mapping_records(const std::vector<SharedMapping>& mappings, const std::vector<std::string>& roots, const std::vector<std::string>& fs_ids,
                     const std::vector<std::string>& own, int64_t time_ns, const std::function<bool(const std::string&, uint64_t)>& names_inode,
                     std::vector<ChangeRecord>& out) {
  std::set<std::pair<std::string, uint64_t>> recorded;
  for (const auto& m : mappings) {
    const std::string& path = !m.unlinked.empty() && !names_inode(m.path, m.inode) ? m.unlinked : m.path;
    bool is_own = false;
    for (const auto& o : own) is_own = is_own || path_within(path, o);
    if (is_own) continue;
    for (size_t i = 0; i < roots.size(); ++i) {
      if (!path_within(path, roots[i]) || !recorded.emplace(path, m.inode).second) continue;
      out.push_back(ChangeRecord{i < fs_ids.size() ? fs_ids[i] : std::string(), path, ChangeKind::Modified, false, time_ns, 0, m.inode});
      break;
    }
  }
}

MappingScan shared_mapping_records(const std::vector<std::string>& roots, const std::vector<std::string>& fs_ids, const std::vector<std::string>& own,
                                   int64_t time_ns, std::vector<ChangeRecord>& out, bool kernel_query) {
  MappingScan scan;
  std::vector<SharedMapping> all;
  DIR* proc = ::opendir("/proc");
  if (!proc) {
    scan.unreadable = 1;
    scan.first_unreadable = fmt::format("cannot list /proc: {}", std::strerror(errno));
    return scan;
  }
  while (struct dirent* d = ::readdir(proc)) {
    if (d->d_name[0] < '1' || d->d_name[0] > '9') continue;  // processes only
    std::string maps = fmt::format("/proc/{}/maps", d->d_name);
    int fd = ::open(maps.c_str(), O_RDONLY | O_CLOEXEC);
    std::vector<SharedMapping> mine;
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
      Query answer = kernel_query ? query_shared_mappings(fd, mine) : Query::Unsupported;
      if (answer == Query::Failed) err = errno;
      // Before Linux 6.11 (or asked to): read and parse the text. A process
      // that exits meanwhile gives ESRCH or an empty file.
      std::string text;
      if (answer == Query::Unsupported) {
        if (read_all(fd, text))
          mine = parse_shared_mappings(text);
        else
          err = errno;
      }
      ::close(fd);
    }
    // Gone since the listing: its mappings went with it, and their last
    // release raised FAN_CLOSE_WRITE for every file opened for writing.
    if (err == ENOENT || err == ESRCH) continue;
    if (err) {
      if (scan.unreadable++ == 0) scan.first_unreadable = fmt::format("cannot read {} ({}): {}", maps, process_name(d->d_name), std::strerror(err));
      continue;
    }
    ++scan.processes;
    all.insert(all.end(), std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()));
  }
  ::closedir(proc);
  auto names_inode = [](const std::string& path, uint64_t inode) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_ino) == inode;
  };
  size_t before = out.size();
  mapping_records(all, roots, fs_ids, own, time_ns, names_inode, out);
  scan.files = out.size() - before;
  return scan;
}

}  // namespace gb
