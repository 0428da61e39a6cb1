#include "agents/linux/fanotify_reader.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "agents/linux/mount_watch.h"
#include "core/common/path_order.h"
#include "core/common/posix_error.h"

namespace gb {
namespace {

using fanotify::FanotifyEvent;

static_assert(fanotify::kModify == FAN_MODIFY && fanotify::kAttrib == FAN_ATTRIB && fanotify::kCloseWrite == FAN_CLOSE_WRITE &&
              fanotify::kMovedFrom == FAN_MOVED_FROM && fanotify::kMovedTo == FAN_MOVED_TO && fanotify::kCreate == FAN_CREATE &&
              fanotify::kDelete == FAN_DELETE && fanotify::kQueueOverflow == FAN_Q_OVERFLOW && fanotify::kOnDir == FAN_ONDIR);

// FAN_REPORT_DFID_NAME names the directory entry of each event. FAN_REPORT_FID
// adds the object's own handle, and with it the events that name no entry:
// the link-count change of a file's other names when one is linked or
// unlinked (DFID_NAME alone drops those). FAN_REPORT_TARGET_FID (Linux 5.17)
// makes that handle the entry's, not the directory's, in create and rename
// events: then a new directory's handle is known with its path, and events
// inside it still find it after it is gone. Older kernels refuse it (EINVAL).
constexpr unsigned kInitFlags = FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_CLOEXEC | FAN_NONBLOCK;
constexpr unsigned kTargetFid = FAN_REPORT_TARGET_FID;
constexpr uint64_t kBaseMask = FAN_CREATE | FAN_DELETE | FAN_MODIFY | FAN_ATTRIB | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_ONDIR;
// FAN_CLOSE_WRITE also catches writes through mmap, which raise no
// FAN_MODIFY, at the file's last release (munmap or exit; until then
// shared_mappings.h finds them at each cut); kernels before 5.13-ish refuse it with FID reporting (EINVAL),
// then we mark without it.
constexpr uint64_t kFullMask = kBaseMask | FAN_CLOSE_WRITE;
constexpr const char* kFallback = "; backups fall back to full scans";
constexpr size_t kMaxRemembered = 65536;

std::string fsid_hex(const int32_t val[2]) { return fmt::format("{:08x}{:08x}", static_cast<uint32_t>(val[0]), static_cast<uint32_t>(val[1])); }

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

Error needs_capability() {
  return make_error(ErrorKind::Unsupported,
                    "the change-journal agent needs CAP_SYS_ADMIN (run it as root or through the systemd unit); backups fall back to full scans");
}

Error init_error(int err) {
  if (err == EPERM) return needs_capability();
  if (err == EINVAL)
    return make_error(ErrorKind::Unsupported,
                      fmt::format("this kernel's fanotify lacks FAN_REPORT_DFID_NAME (Linux 5.9 or later is needed){}", kFallback));
  if (err == ENOSYS) return make_error(ErrorKind::Unsupported, fmt::format("this kernel has no fanotify (CONFIG_FANOTIFY){}", kFallback));
  return make_error(ErrorKind::Io, fmt::format("cannot start fanotify: {}{}", std::strerror(err), kFallback));
}

Error mark_error(int err, const std::string& root) {
  // Since Linux 5.13 anyone may create a FID-reporting group; the capability
  // is then first missed by FAN_MARK_FILESYSTEM.
  if (err == EPERM) return needs_capability();
  if (err == EXDEV || err == EOPNOTSUPP || err == ENODEV)
    return make_error(
        ErrorKind::Unsupported,
        fmt::format("the filesystem of {} cannot be watched by fanotify (it has no file handles: {}); backups of it fall back to full scans", root,
                    std::strerror(err)));
  if (err == EINVAL)
    return make_error(ErrorKind::Unsupported,
                      fmt::format("this kernel's fanotify lacks FAN_MARK_FILESYSTEM (Linux 4.20 or later is needed){}", kFallback));
  if (err == ENOSPC)
    return make_error(ErrorKind::Io, fmt::format("cannot watch {}: too many fanotify marks (fs.fanotify.max_user_marks){}", root, kFallback));
  return make_error(ErrorKind::Io, fmt::format("cannot watch {}: {}{}", root, std::strerror(err), kFallback));
}

// open_by_handle_at, tried again while it fails with ENOMEM. ext4 (seen on
// Linux 6.18) answers ENOMEM, not ESTALE, for the handle of an inode that is
// being evicted at that moment (a file or directory just removed anywhere on
// the marked filesystem; a retry a moment later says ESTALE). Taken at its
// word, every such removal anywhere on the filesystem made an unplaceable
// event, i.e. a rescan of every root on it.
constexpr int kEnomemRetries = 6;
int open_handle(int mount_fd, const std::string& handle) {
  for (int attempt = 0;; ++attempt) {
    int fd = ::open_by_handle_at(mount_fd, reinterpret_cast<struct file_handle*>(const_cast<char*>(handle.data())), O_PATH | O_CLOEXEC);
    if (fd >= 0 || errno != ENOMEM || attempt == kEnomemRetries) return fd;
    std::this_thread::sleep_for(std::chrono::milliseconds(1 << attempt));  // 1, 2, 4, ... 32 ms
  }
}

// The path an open O_PATH descriptor names, and whether its directory is gone.
bool path_of(int fd, std::string& path, bool& gone) {
  char buf[PATH_MAX + 32];
  ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", fd).c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  path.assign(buf, static_cast<size_t>(n));
  // A removed directory has no links; the kernel then names it by its last
  // path plus " (deleted)". A live name may end in " (deleted)" too, so the
  // link count decides, not the text.
  struct stat st;
  gone = ::fstat(fd, &st) == 0 && st.st_nlink == 0;
  static constexpr std::string_view kDeleted = " (deleted)";
  if (gone && path.size() > kDeleted.size() && path.compare(path.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
    path.resize(path.size() - kDeleted.size());
  return path.size() > 0 && path[0] == '/';
}

// Whether the path an opened handle was named by reaches that same object
// (a handle opened through a mount that does not hold it is named by a path
// relative to something else, e.g. "/" for another subvolume's root).
bool reaches(int fd, const std::string& path) {
  struct stat a, b;
  return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The source (device) of the mount holding `path`, from /proc/self/mountinfo
// ("ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER").
std::string mount_source(const std::string& path) {
  struct statx stx;
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) != 0 || !(stx.stx_mask & STATX_MNT_ID)) return {};
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    uint64_t id = 0;
    if (!(fields >> id) || id != stx.stx_mnt_id) continue;
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) return {};
    std::istringstream tail(line.substr(dash + 3));
    std::string type, source;
    tail >> type >> source;
    return unescape_mountinfo(source);
  }
  return {};
}

// The file-handle records of one event: the directory's (DFID_NAME, with the
// entry's name, or DFID) and the object's own (FID).
struct EventIds {
  std::string fsid;
  std::string dir_handle;  // a struct file_handle with its bytes
  std::string name;
  std::string object_handle;
};

EventIds event_ids(const struct fanotify_event_metadata* meta) {
  EventIds ids;
  const char* info = reinterpret_cast<const char*>(meta) + meta->metadata_len;
  const char* end = reinterpret_cast<const char*>(meta) + meta->event_len;
  while (info + sizeof(struct fanotify_event_info_header) <= end) {
    auto* hdr = reinterpret_cast<const struct fanotify_event_info_header*>(info);
    if (hdr->len == 0 || info + hdr->len > end) break;
    uint8_t type = hdr->info_type;
    if (type == FAN_EVENT_INFO_TYPE_DFID_NAME || type == FAN_EVENT_INFO_TYPE_DFID || type == FAN_EVENT_INFO_TYPE_FID) {
      auto* fid = reinterpret_cast<const struct fanotify_event_info_fid*>(info);
      auto* fh = reinterpret_cast<const struct file_handle*>(fid->handle);
      ids.fsid = fsid_hex(reinterpret_cast<const int32_t*>(&fid->fsid));
      std::string handle(reinterpret_cast<const char*>(fh), sizeof(struct file_handle) + fh->handle_bytes);
      if (type == FAN_EVENT_INFO_TYPE_FID) {
        ids.object_handle = std::move(handle);
      } else {
        ids.dir_handle = std::move(handle);
        if (type == FAN_EVENT_INFO_TYPE_DFID_NAME) {
          const char* name = reinterpret_cast<const char*>(fh->f_handle) + fh->handle_bytes;
          ids.name.assign(name, ::strnlen(name, static_cast<size_t>(end - name)));
        }
      }
    }
    info += hdr->len;
  }
  return ids;
}

}  // namespace

Result<std::string> filesystem_id(const std::string& path) {
  struct statfs sf;
  if (::statfs(path.c_str(), &sf) != 0) return posix_error(fmt::format("cannot watch {}", path), errno);
  int32_t val[2];
  std::memcpy(val, &sf.f_fsid, sizeof val);
  return fsid_hex(val);
}

Result<std::unique_ptr<FanotifyReader>> FanotifyReader::open(const std::vector<std::string>& roots, bool unlimited_queue) {
  std::unique_ptr<FanotifyReader> r(new FanotifyReader());
  unsigned queue = unlimited_queue ? FAN_UNLIMITED_QUEUE : 0;
  r->fd_ = ::fanotify_init(kInitFlags | kTargetFid | queue, O_RDONLY | O_LARGEFILE);
  r->target_fids_ = r->fd_ >= 0;
  if (r->fd_ < 0 && errno == EINVAL) r->fd_ = ::fanotify_init(kInitFlags | queue, O_RDONLY | O_LARGEFILE);
  if (r->fd_ < 0) return init_error(errno);
  std::vector<std::string> fs_ids;
  std::map<std::string, std::string> events_fsid_of;  // a root's own fsid (statfs) -> the fsid its events carry
  uint64_t mask = kFullMask;
  for (const auto& root : roots) {
    GB_ASSIGN(std::string fsid, filesystem_id(root));
    std::string events_fsid = fsid;
    bool through_top_level = false;
    if (auto known = events_fsid_of.find(fsid); known != events_fsid_of.end()) {
      events_fsid = known->second;  // one mark per filesystem covers every root on it
      through_top_level = events_fsid != fsid;
    } else {
      int rc = ::fanotify_mark(r->fd_, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, AT_FDCWD, root.c_str());
      if (rc != 0 && errno == EINVAL && mask == kFullMask) {
        mask = kBaseMask;  // the kernel refuses FAN_CLOSE_WRITE with FID reporting
        rc = ::fanotify_mark(r->fd_, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, AT_FDCWD, root.c_str());
      }
      if (rc != 0 && errno == EXDEV) {
        GB_ASSIGN(events_fsid, r->mark_through_top_level(root, mask));
        through_top_level = true;
      } else if (rc != 0) {
        return mark_error(errno, root);
      }
      events_fsid_of[fsid] = events_fsid;
    }
    fs_ids.push_back(events_fsid);
    Mounts& mounts = r->mounts_[events_fsid];
    if (!mounts.fds.empty() && !through_top_level) continue;  // marked directly: one root's directory resolves every handle
    mounts.through_top_level = mounts.through_top_level || through_top_level;
    int mfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mfd < 0) return posix_error(fmt::format("cannot open {}", root), errno);
    mounts.fds.push_back(mfd);
  }
  struct utsname u;
  r->context_["roots"] = join_lines(roots);
  r->context_["fs_ids"] = join_lines(fs_ids);
  r->context_["kernel"] = ::uname(&u) == 0 ? u.release : "";
  r->context_["mask"] = fmt::format("{:#x}", mask);
  r->context_["init_flags"] = fmt::format("{:#x}", r->target_fids_ ? kInitFlags | kTargetFid : kInitFlags);
  return r;
}

FanotifyReader::~FanotifyReader() {
  for (auto& [fsid, mounts] : mounts_)
    for (int mfd : mounts.fds) ::close(mfd);
  if (fd_ >= 0) ::close(fd_);
}

void FanotifyReader::remember(const std::string& key, const std::string& path) {
  if (last_paths_.size() >= kMaxRemembered) last_paths_.clear();  // crude, but bounded; a miss costs a rescan
  std::string& known = last_paths_[key];
  if (!known.empty() && known != path) {
    // The directory moved: so did every directory remembered below it.
    std::string old = known;
    for (auto& [k, p] : last_paths_)
      if (path_within(p, old)) p = path + p.substr(old.size());
  }
  known = path;
}

uint64_t FanotifyReader::inode_of(const std::string& fsid, const std::string& handle) {
  // ext2/3/4 and 32-bit-inode XFS encode a handle as the inode number and its
  // generation (FILEID_INO32_GEN[_PARENT]): read it there instead of opening
  // the file, a system call per event that made the agent lag behind a busy
  // filesystem. For a file gone by now this still names its inode; the slice
  // then re-stats that inode's old names, which is only a little work.
  constexpr int kIno32Gen = 1, kIno32GenParent = 2;
  if (handle.size() >= sizeof(struct file_handle) + sizeof(uint32_t)) {
    auto* fh = reinterpret_cast<const struct file_handle*>(handle.data());
    if ((fh->handle_type == kIno32Gen || fh->handle_type == kIno32GenParent) && fh->handle_bytes >= 8) {
      uint32_t ino;
      std::memcpy(&ino, fh->f_handle, sizeof ino);
      return ino;
    }
  }
  auto mount = mounts_.find(fsid);
  if (mount == mounts_.end()) return 0;
  int fd = open_handle(mount->second.fds.front(), handle);  // the inode number is the same through any mount
  if (fd < 0) return 0;                                     // gone (ESTALE): then no other name of it is left either
  struct stat st;
  uint64_t ino = ::fstat(fd, &st) == 0 ? st.st_ino : 0;
  ::close(fd);
  return ino;
}

std::string FanotifyReader::resolve(const std::string& fsid, const std::string& handle, bool object_only, uint32_t& flags) {
  std::string key = fsid + handle;
  std::string why = "a filesystem with no watched root";
  auto mount = mounts_.find(fsid);
  if (mount != mounts_.end()) {
    const Mounts& mounts = mount->second;
    int dfd = -1;
    std::string path;
    bool gone = false, named = false;
    for (size_t i = 0; i < mounts.fds.size(); ++i) {
      dfd = open_handle(mounts.fds[i], handle);
      if (dfd < 0) break;  // the handle is the filesystem's: what one mount says, all say
      named = path_of(dfd, path, gone);
      // Through its btrfs top-level, the mark reports every subvolume of the
      // filesystem: a handle is named by the mount of the root that holds
      // it. One no root's mount holds lies outside every root (another
      // subvolume mounted elsewhere): as good as gone for us.
      if (!mounts.through_top_level || !named || gone || reaches(dfd, path)) break;
      ::close(dfd);
      dfd = -1;
      if (i + 1 == mounts.fds.size()) {
        flags |= fanotify::kDirDeleted;
        return {};
      }
    }
    if (dfd < 0 && errno == ESTALE) flags |= fanotify::kDirDeleted;
    why = fmt::format("open_by_handle_at: {}", std::strerror(errno));
    if (dfd >= 0) {
      ::close(dfd);
      why = fmt::format("the handle opened as '{}'", path);
      if (named && !gone) {
        if (!object_only) remember(key, path);
        return path;
      }
      if (named && object_only) {  // unlinked since the event
        flags |= fanotify::kDirDeleted;
        return {};
      }
      if (named) {  // removed after the event: the kernel still knows its last path
        flags |= fanotify::kDirFromCache;
        return path;
      }
    }
  }
  if (object_only && (flags & fanotify::kDirDeleted)) return {};  // only directories are remembered
  if (auto it = last_paths_.find(key); it != last_paths_.end()) {
    flags = (flags & ~fanotify::kDirDeleted) | fanotify::kDirFromCache;
    return it->second;
  }
  unresolved_reason_ = why;
  flags |= fanotify::kDirUnresolved;
  return {};
}

std::vector<std::string> FanotifyReader::also_reached(const std::string& fsid, const std::string& handle, const std::string& primary) {
  std::vector<std::string> out;
  auto mount = mounts_.find(fsid);
  if (mount == mounts_.end() || !mount->second.through_top_level || mount->second.fds.size() < 2) return out;
  for (int mfd : mount->second.fds) {
    int fd = open_handle(mfd, handle);
    if (fd < 0) break;
    std::string path;
    bool gone = false;
    if (path_of(fd, path, gone) && !gone && path != primary && reaches(fd, path) && std::find(out.begin(), out.end(), path) == out.end())
      out.push_back(path);
    ::close(fd);
  }
  return out;
}

Result<std::string> FanotifyReader::mark_through_top_level(const std::string& root, uint64_t mask) {
  struct statfs sf;
  if (::statfs(root.c_str(), &sf) != 0 || sf.f_type != BTRFS_SUPER_MAGIC) return mark_error(EXDEV, root);
  auto failed = [&](const char* step) {
    return make_error(ErrorKind::Unsupported,
                      fmt::format("cannot watch {}: it is on a btrfs subvolume, which fanotify watches only through the filesystem's top-level "
                                  "subvolume, and {} failed: {}{}",
                                  root, step, std::strerror(errno), kFallback));
  };
  std::string source = mount_source(root);
  if (source.empty()) return failed("finding its device in /proc/self/mountinfo");
  // A detached mount (fsopen/fsmount: never in any mount table) of the
  // top-level subvolume of the same filesystem, read-only (an "rw" request
  // could turn a read-only filesystem writable), only to set the mark: the
  // mark belongs to the superblock and stays when the mount is closed. No
  // glibc wrappers in Debian 12, hence syscall().
  int fs = static_cast<int>(::syscall(SYS_fsopen, "btrfs", FSOPEN_CLOEXEC));
  if (fs < 0) return failed("fsopen");
  bool configured = ::syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source.c_str(), 0) == 0 &&
                    ::syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", nullptr, 0) == 0 &&
                    ::syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "subvolid", "5", 0) == 0 &&
                    ::syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0;
  int top = configured ? static_cast<int>(::syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY)) : -1;
  int saved = errno;
  ::close(fs);
  errno = saved;
  if (top < 0) return failed(fmt::format("mounting its top-level subvolume ({}, subvolid=5)", source).c_str());
  // The mount's descriptor is an O_PATH one, which a NULL pathname does not
  // take: "." relative to it names the same directory.
  int rc = ::fanotify_mark(fd_, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, top, ".");
  saved = errno;
  struct statfs top_sf;
  bool have_fsid = rc == 0 && ::fstatfs(top, &top_sf) == 0;
  ::close(top);
  if (rc != 0) return mark_error(saved, root);
  if (!have_fsid) return failed("reading the top-level's fsid");
  int32_t val[2];
  std::memcpy(val, &top_sf.f_fsid, sizeof val);
  return fsid_hex(val);
}

Result<size_t> FanotifyReader::read_some(std::vector<FanotifyEvent>& out) {
  alignas(struct fanotify_event_metadata) static thread_local char buf[64 * 1024];
  ssize_t len = ::read(fd_, buf, sizeof buf);
  if (len < 0) {
    if (errno == EAGAIN || errno == EINTR) return size_t{0};
    return posix_error("reading fanotify events failed", errno);
  }
  // Handles resolved in this batch: the same directory read at the same
  // moment resolves to the same path, so resolve it once.
  struct Resolved {
    std::string path;
    uint32_t flags = 0;
    std::vector<std::string> also;  // the same directory through other roots' mounts
  };
  std::map<std::string, Resolved> batch;
  const std::vector<std::string>* also = nullptr;
  auto resolved = [&](const std::string& fsid, const std::string& handle, bool object_only, FanotifyEvent& e) {
    auto [it, fresh] = batch.try_emplace(fsid + handle);
    if (fresh) {
      it->second.path = resolve(fsid, handle, object_only, it->second.flags);
      if (it->second.flags == 0) it->second.also = also_reached(fsid, handle, it->second.path);
    }
    e.dir = it->second.path;
    e.flags = it->second.flags;
    also = &it->second.also;
    // A gone directory's remembered path changes when a rename later in
    // this batch moves what is remembered (mkdir -p t/a; touch t/a/f; mv t
    // t2; rm -r t2 read at once named f's deletion under t/a): look it up
    // again for each event.
    if (it->second.flags & fanotify::kDirFromCache) {
      static const std::vector<std::string> kNone;
      also = &kNone;
      batch.erase(it);
    }
  };
  size_t count = 0;
  auto* meta = reinterpret_cast<struct fanotify_event_metadata*>(buf);
  for (; FAN_EVENT_OK(meta, len); meta = FAN_EVENT_NEXT(meta, len)) {
    if (meta->vers != FANOTIFY_METADATA_VERSION)
      return make_error(ErrorKind::Unsupported, "the kernel's fanotify event format is newer than this agent understands");
    if (meta->fd >= 0) ::close(meta->fd);  // never with FID reporting, but never leak one
    FanotifyEvent e;
    also = nullptr;
    e.mask = meta->mask;
    EventIds ids = event_ids(meta);
    e.fsid = ids.fsid;
    e.name = ids.name;
    const bool on_dir = (e.mask & FAN_ONDIR) != 0;
    if (!ids.object_handle.empty() && !on_dir) e.inode = inode_of(ids.fsid, ids.object_handle);
    if (!ids.dir_handle.empty()) {
      resolved(ids.fsid, ids.dir_handle, false, e);
      if (e.flags & fanotify::kDirDeleted) {
        // The directory was deleted since the event (and its path is not
        // remembered). Its own removal comes as an event of its parent (or of
        // the nearest ancestor still there), and the backup then re-stats
        // everything the snapshot had below it, so events inside it add
        // nothing, except for a file that lives on under another name (a
        // hard link): that name is where the change shows.
        std::string alive;
        uint32_t target_flags = 0;
        if (!ids.object_handle.empty() && !on_dir) alive = resolve(ids.fsid, ids.object_handle, true, target_flags);
        if (alive.empty() || target_flags != 0) continue;
        e.dir = alive;
        e.name.clear();
        e.flags = 0;
        also = nullptr;
      }
      // A directory created or moved in: remember where its own handle
      // points, so events inside it still find it once it is gone.
      if (target_fids_ && !(e.flags & fanotify::kDirUnresolved) && !ids.object_handle.empty() && ids.object_handle != ids.dir_handle && on_dir &&
          (e.mask & (FAN_CREATE | FAN_MOVED_TO)))
        remember(ids.fsid + ids.object_handle, fanotify::event_path(e));
    } else if (!ids.object_handle.empty()) {
      resolved(ids.fsid, ids.object_handle, true, e);
      // An object reported by its own handle alone that no longer exists is
      // gone with all its names (e.g. the link-count event of an unlinked
      // inode); its names' removal came as events of their directories.
      if (e.flags & fanotify::kDirDeleted) continue;
    } else if (!(e.mask & FAN_Q_OVERFLOW)) {
      // No handle at all (only the queue overflow has none by design): a rescan.
      e.flags |= fanotify::kDirUnresolved;
      unresolved_reason_ = fmt::format("an event (mask {:#x}) without a file handle", e.mask);
    }
    if (e.flags & fanotify::kDirUnresolved) ++unresolved_;
    if (also)
      for (const auto& path : *also) {
        FanotifyEvent copy = e;
        copy.dir = path;
        out.push_back(std::move(copy));
        ++count;
      }
    out.push_back(std::move(e));
    ++count;
  }
  return count;
}

}  // namespace gb
