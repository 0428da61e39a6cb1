#include "core/restore/restorer.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <dirent.h>
#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <deque>
#include <filesystem>
#include <memory>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/common/fd_io.h"
#include "core/common/path_order.h"
#include "core/common/posix_error.h"
#include "core/common/thread_pool.h"
#include "core/content/content_id.h"
#include "core/content/pack_format.h"
#include "core/fs/file_system.h"
#include "core/restore/target_tree.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

std::string sys_error(const std::string& what) { return posix_error(what, errno).message; }

bool included(const std::string& path, const std::vector<std::string>& include) {
  if (include.empty()) return true;
  for (const auto& inc : include)
    if (path_within(path, inc)) return true;
  return false;
}

// True when the block is all zero bytes (then it is skipped, leaving a hole).
bool all_zero(const uint8_t* p, size_t n) { return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0); }

// Writes data at offset, seeking over runs of all-zero 4 KiB blocks so a
// fresh file keeps its holes; the caller sets the final size with ftruncate.
bool write_sparse(int fd, ByteView data, uint64_t offset) {
  constexpr size_t kBlock = 4096;
  size_t i = 0;
  while (i < data.size()) {
    size_t n = std::min(kBlock, data.size() - i);
    if (all_zero(data.data() + i, n)) {
      i += n;
      continue;
    }
    size_t j = i + n;  // a run of blocks with data, written in one call
    while (j < data.size()) {
      size_t m = std::min(kBlock, data.size() - j);
      if (all_zero(data.data() + j, m)) break;
      j += m;
    }
    size_t done = i;
    while (done < j) {
      ssize_t w = ::pwrite(fd, data.data() + done, j - done, static_cast<off_t>(offset + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      done += static_cast<size_t>(w);
    }
    i = j;
  }
  return true;
}

std::string temp_name() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}{}.{}", kRestoreTempPrefix, ::getpid(), counter++);
}

int64_t mtime_ns_of(const struct stat& st) { return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec; }

// The names in a directory (not "." and ".."; not a restore's temporary names).
std::vector<std::string> names_in(int dir_fd) {
  std::vector<std::string> out;
  int copy = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return out;
  DIR* d = ::fdopendir(copy);
  if (!d) {
    ::close(copy);
    return out;
  }
  while (struct dirent* de = ::readdir(d)) {
    std::string name = de->d_name;
    if (name == "." || name == ".." || name.rfind(kRestoreTempPrefix, 0) == 0) continue;
    out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

const char* action_name(RestoreAction a, bool dry_run) {
  switch (a) {
    case RestoreAction::Written:
      return dry_run ? "would write" : "restored";
    case RestoreAction::Unchanged:
      return "unchanged";
    case RestoreAction::Kept:
      return dry_run ? "would keep" : "kept";
    case RestoreAction::Deleted:
      return dry_run ? "would delete" : "deleted";
  }
  return "";
}

namespace {

class Restorer {
 public:
  Restorer(Repository& repo, const RestoreOptions& options, RestoreProgress& progress, RestoreResult& result)
      : repo_(repo), opts_(options), progress_(progress), result_(result), am_root_(::geteuid() == 0) {}

  Status open(const std::string& target) { return opts_.dry_run ? tree_.open_read_only(target) : tree_.open(target); }

  void restore(const Entry& e) {
    std::vector<std::string> names;
    if (!split_stored_path(e.path, names)) return refuse(e);
    if (opts_.delete_extra && !names.empty()) children_[parent_of(e.path)].insert(names.back());
    if (names.empty()) {  // the root itself: only its metadata
      if (e.type == NodeType::Dir) dirs_.push_back({names, e});
      return;
    }
    if (opts_.dry_run) return plan(e, names);
    const std::string& name = names.back();
    if (e.type == NodeType::Symlink) {  // made last, so nothing is ever written through one
      symlinks_.push_back({names, e});
      return;
    }
    if (e.type == NodeType::File) return queue_file(e, std::move(names));
    auto parent = tree_.dir(names, names.size() - 1);
    if (!parent) return fail(e, parent.error().message);
    int pfd = *parent;
    if (e.type == NodeType::Dir) {
      struct stat st;
      if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
        if (!S_ISLNK(st.st_mode)) return fail(e, fmt::format("{} is in the way and not a directory", tree_.shown(names, names.size())));
        if (::unlinkat(pfd, name.c_str(), 0) != 0) return fail(e, sys_error("cannot remove the symlink in the way"));
        result_.replaced_links.push_back(e.path);
      }
      if (::mkdirat(pfd, name.c_str(), 0700) != 0 && errno != EEXIST) return fail(e, sys_error("cannot create directory"));
      dirs_.push_back({std::move(names), e});  // metadata after the children, or their creation would change it
      ++result_.dirs;
      return;
    }
    if (opts_.overwrite != Overwrite::Always) {
      struct stat st;
      Verdict v = judge(pfd, name, e, st);
      if (v == Verdict::Keep || v == Verdict::Unchanged) return keep(pfd, names, e, v);
    }
    if (!clear_for_node(pfd, e, names)) return;
    switch (e.type) {
      case NodeType::Fifo:
        if (::mkfifoat(pfd, name.c_str(), 0600) != 0) return fail(e, sys_error("cannot create FIFO"));
        break;
      case NodeType::CharDev:
      case NodeType::BlockDev:
        if (::mknodat(pfd, name.c_str(), (e.type == NodeType::CharDev ? S_IFCHR : S_IFBLK) | 0600, static_cast<dev_t>(e.rdev)) != 0)
          return fail(e, sys_error("cannot create device node"));
        break;
      case NodeType::Socket:
        if (!make_socket(pfd, e, name)) return;
        break;
      default:
        return;
    }
    ++result_.others;
    apply_metadata_at(pfd, name, e);
    act(RestoreAction::Written, e.path);
  }

  void finish() {
    while (!pending_.empty()) write_next();
    for (auto& [names, e] : symlinks_) make_symlink(names, e);
    if (opts_.delete_extra) delete_extras();
    if (opts_.dry_run) return;
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      auto fd = tree_.dir(it->first, it->first.size());
      if (!fd) {
        warn(it->second.path, fd.error().message);
        continue;
      }
      apply_metadata_fd(*fd, it->second);
    }
    if (opts_.verify) verify_all();
  }

 private:
  // What is at a path already, and what --overwrite makes of it.
  enum class Verdict { Absent, Replace, Unchanged, Keep };

  Verdict judge(int pfd, const std::string& name, const Entry& e, struct stat& st) {
    if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Verdict::Absent;
    switch (opts_.overwrite) {
      case Overwrite::Always:
        return Verdict::Replace;
      case Overwrite::Never:
        return Verdict::Keep;
      case Overwrite::IfNewer:
        return e.mtime_ns > mtime_ns_of(st) ? Verdict::Replace : Verdict::Keep;
      case Overwrite::IfChanged:
        return same_as_snapshot(pfd, name, e, st) ? Verdict::Unchanged : Verdict::Replace;
    }
    return Verdict::Replace;
  }

  // restic's test first (same size and mtime: the same file), the content hash only when the mtime differs.
  bool same_as_snapshot(int pfd, const std::string& name, const Entry& e, const struct stat& st) {
    switch (e.type) {
      case NodeType::File: {
        if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != e.size) return false;
        if (mtime_ns_of(st) == e.mtime_ns) return true;
        int fd = ::openat(pfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return false;
        auto same = fd_has_content(fd, 0, e.content, repo_.config().segment_size);
        ::close(fd);
        return same && *same;
      }
      case NodeType::Symlink: {
        if (!S_ISLNK(st.st_mode)) return false;
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(pfd, name.c_str(), target.data(), target.size());
        return n >= 0 && static_cast<size_t>(n) == e.symlink_target.size() && target.compare(0, static_cast<size_t>(n), e.symlink_target) == 0;
      }
      case NodeType::Fifo:
        return S_ISFIFO(st.st_mode);
      case NodeType::Socket:
        return S_ISSOCK(st.st_mode);
      case NodeType::CharDev:
        return S_ISCHR(st.st_mode) && st.st_rdev == static_cast<dev_t>(e.rdev);
      case NodeType::BlockDev:
        return S_ISBLK(st.st_mode) && st.st_rdev == static_cast<dev_t>(e.rdev);
      default:
        return false;
    }
  }

  // Leaves what is at names as it is; one found unchanged gets the snapshot's metadata (and is read back by verify).
  void keep(int pfd, const std::vector<std::string>& names, const Entry& e, Verdict v) {
    ++result_.kept;
    if (e.type == NodeType::File) {
      result_.kept_bytes += e.size;
      progress_.bytes += e.size;
      ++progress_.files;
      if (e.hardlink_id) {  // later links to it link to what is there
        links_.emplace(e.hardlink_id, names);
        queued_links_.insert(e.hardlink_id);
      }
    }
    act(v == Verdict::Unchanged ? RestoreAction::Unchanged : RestoreAction::Kept, e.path);
    if (v != Verdict::Unchanged || opts_.dry_run) return;
    if (e.type != NodeType::File) return apply_metadata_at(pfd, names.back(), e);
    int fd = ::openat(pfd, names.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return warn(e.path, sys_error("cannot open it to set its metadata"));
    apply_metadata_fd(fd, e);
    ::close(fd);
    if (opts_.verify) to_verify_.push_back({names, e.path, e.content});
  }

  // A dry run: what would be written or kept, nothing touched (a missing directory: everything below is new).
  void plan(const Entry& e, const std::vector<std::string>& names) {
    if (e.type == NodeType::Dir) {
      dirs_.push_back({names, e});
      if (!tree_.dir(names, names.size())) ++result_.dirs;  // only those that would be made
      return;
    }
    if (e.type == NodeType::File && !repo_.content_present(e.content, e.size)) {
      result_.not_uploaded.push_back(e.path);
      return;
    }
    Verdict v = Verdict::Absent;
    auto parent = tree_.dir(names, names.size() - 1);
    struct stat st;
    if (parent) v = judge(*parent, names.back(), e, st);
    if (v == Verdict::Keep || v == Verdict::Unchanged) return keep(-1, names, e, v);
    act(RestoreAction::Written, e.path);
    if (e.type != NodeType::File) {
      ++result_.others;
      return;
    }
    ++result_.files;
    ++progress_.files;
    if (e.hardlink_id && !planned_links_.insert(e.hardlink_id).second) return;  // a link: no bytes of its own
    result_.bytes += e.size;
    progress_.bytes += e.size;
  }

  bool in_scope(const std::string& path) const {
    for (const auto& root : opts_.scope)
      if (path_within(path, root)) return true;
    return false;
  }

  // --delete: below each restored directory within the scope, whatever the snapshot does not name.
  void delete_extras() {
    for (const auto& [names, e] : dirs_) {
      if (!in_scope(e.path)) continue;
      auto fd = tree_.dir(names, names.size());
      if (!fd) continue;  // not made (its failure is reported), or a dry run's new directory
      struct stat st;
      if (::fstat(*fd, &st) != 0) continue;
      int dir_fd = ::dup(*fd);  // the tree's fd changes with its next walk; this one stays
      if (dir_fd < 0) continue;
      const auto& wanted = children_[e.path];
      for (const auto& name : names_in(dir_fd))
        if (!wanted.count(name)) remove_extra(dir_fd, name, (e.path == "/" ? "" : e.path) + "/" + name, st.st_dev);
      ::close(dir_fd);
    }
  }

  // Removes one node the snapshot lacks, a directory with all below it; never
  // follows a symlink (opened O_NOFOLLOW, removed as a link) and never goes
  // into another file system mounted in the target.
  void remove_extra(int dir_fd, const std::string& name, const std::string& path, dev_t dev) {
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != dev) return fail_path(path, "not deleted: another file system is mounted there");
      int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return fail_path(path, sys_error("not deleted: cannot open it"));
      for (const auto& child : names_in(fd)) remove_extra(fd, child, path + "/" + child, dev);
      ::close(fd);
      if (!opts_.dry_run && ::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return fail_path(path, sys_error("not deleted"));
    } else {
      if (!opts_.dry_run && ::unlinkat(dir_fd, name.c_str(), 0) != 0) return fail_path(path, sys_error("not deleted"));
      if (S_ISREG(st.st_mode)) result_.deleted_bytes += static_cast<uint64_t>(st.st_size);
    }
    ++result_.deleted;
    act(RestoreAction::Deleted, path);
  }

  // --verify: each file written or kept as unchanged, read back from the target and hashed.
  void verify_all() {
    for (const auto& v : to_verify_) {
      auto parent = tree_.dir(v.names, v.names.size() - 1);
      if (!parent) {
        result_.mismatched.push_back({v.path, parent.error().message});
        continue;
      }
      int fd = ::openat(*parent, v.names.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        result_.mismatched.push_back({v.path, sys_error("cannot open it to read it back")});
        continue;
      }
      auto same = fd_has_content(fd, 0, v.content, repo_.config().segment_size);
      ::close(fd);
      if (!same)
        result_.mismatched.push_back({v.path, same.error().message});
      else if (!*same)
        result_.mismatched.push_back({v.path, "read back, its content differs from the snapshot's"});
      else
        ++result_.verified;
    }
  }

  void act(RestoreAction a, const std::string& path) {
    if (opts_.on_action) opts_.on_action(a, path);
  }

  // Removes what is in the way of a new node (never a directory, never followed).
  bool clear_for_node(int pfd, const Entry& e, const std::vector<std::string>& names) {
    struct stat st;
    if (::fstatat(pfd, names.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return true;
    if (S_ISDIR(st.st_mode)) {
      fail(e, fmt::format("{} is a directory in the way", tree_.shown(names, names.size())));
      return false;
    }
    if (S_ISLNK(st.st_mode)) result_.replaced_links.push_back(e.path);
    if (::unlinkat(pfd, names.back().c_str(), 0) != 0) {
      fail(e, sys_error("cannot remove what is in the way"));
      return false;
    }
    return true;
  }

  // A socket is bound at its path (sun_path is short: the path goes through the parent's fd).
  bool make_socket(int pfd, const Entry& e, const std::string& name) {
    std::string at = fs::path_in_dir(pfd, name);
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (at.size() >= sizeof(addr.sun_path)) {
      fail(e, "socket skipped: its name is too long to bind");
      return false;
    }
    std::memcpy(addr.sun_path, at.c_str(), at.size() + 1);
    int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ::bind(s, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) != 0) {
      fail(e, sys_error("socket skipped: cannot bind it"));
      if (s >= 0) ::close(s);
      return false;
    }
    ::close(s);
    return true;
  }

  void make_symlink(const std::vector<std::string>& names, const Entry& e) {
    auto parent = tree_.dir(names, names.size() - 1);
    if (!parent) return fail(e, parent.error().message);
    int pfd = *parent;
    const std::string& name = names.back();
    struct stat st;
    if (opts_.overwrite != Overwrite::Always) {
      Verdict v = judge(pfd, name, e, st);
      if (v == Verdict::Keep || v == Verdict::Unchanged) return keep(pfd, names, e, v);
    }
    if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
      return fail(e, fmt::format("{} is a directory in the way of a symlink", tree_.shown(names, names.size())));
    std::string tmp = temp_name();
    if (::symlinkat(e.symlink_target.c_str(), pfd, tmp.c_str()) != 0) return fail(e, sys_error("cannot create symlink"));
    apply_metadata_at(pfd, tmp, e);
    if (::renameat(pfd, tmp.c_str(), pfd, name.c_str()) != 0) {
      ::unlinkat(pfd, tmp.c_str(), 0);
      return fail(e, sys_error("cannot create symlink"));
    }
    ++result_.others;
    act(RestoreAction::Written, e.path);
  }

  // Files are written in view order while their blobs are fetched, opened
  // and checked ahead by the pool, up to a bounded number of bytes in flight.
  // A file's segments are requested a window at a time, so memory stays
  // bounded whatever one file holds (a 2 GiB file of one repeated segment
  // once kept every copy of it in memory).
  struct PendingFile {
    Entry entry;
    std::vector<std::string> names;
    std::vector<Hash> segments;
    size_t next_segment = 0;
    std::deque<std::pair<uint64_t, std::future<Result<Bytes>>>> blobs;  // request number, content
    uint64_t bytes;                                                     // counted in flight
    bool delta = false;                                                 // rebuilt from a delta chain when written
    bool needs_content = false;
  };

  uint64_t window_bytes() const { return std::max<uint64_t>(repo_.config().segment_size, 1) * kSegmentWindow; }

  void request_more(PendingFile& p) {
    while (p.next_segment < p.segments.size() && p.blobs.size() < kSegmentWindow) {
      auto f = request_blob(p.segments[p.next_segment++]);
      p.blobs.emplace_back(requests_made_, std::move(f));
    }
  }

  void queue_file(const Entry& e, std::vector<std::string> names) {
    if (!repo_.content_present(e.content, e.size)) {
      // Committed but not uploaded yet: not damage, and nothing half-made is left.
      result_.not_uploaded.push_back(e.path);
      return;
    }
    // A hard link to a file already written needs no content; nor does an empty file.
    bool linked = e.hardlink_id && (links_.count(e.hardlink_id) || queued_links_.count(e.hardlink_id));
    // Judged before its content is fetched, so a file kept costs no read of
    // the repository. A link under if-changed is judged when written: by
    // whether it is already a link to its first name.
    if (opts_.overwrite != Overwrite::Always && !(linked && opts_.overwrite == Overwrite::IfChanged)) {
      auto parent = tree_.dir(names, names.size() - 1);
      struct stat st;
      Verdict v = parent ? judge(*parent, names.back(), e, st) : Verdict::Absent;
      if (v == Verdict::Keep || v == Verdict::Unchanged) return keep(*parent, names, e, v);
    }
    PendingFile p{e, std::move(names), {}, 0, {}, 0};
    p.delta = repo_.index().find_delta(e.content).has_value();
    p.needs_content = !linked && e.size > 0 && !p.delta;
    if (p.needs_content) {
      p.segments = repo_.content_segments(e.content);
      request_more(p);
      p.bytes = std::min<uint64_t>(e.size, window_bytes());
    }
    if (e.hardlink_id) queued_links_.insert(e.hardlink_id);
    in_flight_ += p.bytes;
    pending_.push_back(std::move(p));
    while (!pending_.empty() && (in_flight_ > kMaxInFlight || pending_.size() > 1024)) write_next();
  }

  // Blob reads are gathered and fetched by pack: neighbouring blobs of one
  // pack come in one ranged read, so a tree of small files costs a few
  // requests per pack, not one per file (which a remote store makes slow).
  struct BlobRequest {
    Hash hash;
    BlobLocation loc;
    std::shared_ptr<std::promise<Result<Bytes>>> promise;
  };

  std::future<Result<Bytes>> request_blob(const Hash& hash) {
    ++requests_made_;
    auto promise = std::make_shared<std::promise<Result<Bytes>>>();
    auto future = promise->get_future();
    auto loc = repo_.index().find_blob(hash);
    if (!loc) {
      auto blob = repo_.read_blob(hash);  // says what is missing
      if (!blob && blob.error().kind == ErrorKind::NotFound) {
        Error missing = blob.error();
        missing.kind = ErrorKind::Corrupt;
        blob = std::move(missing);
      }
      promise->set_value(std::move(blob));
      return future;
    }
    batch_bytes_ += loc->length;
    batch_.push_back({hash, *loc, std::move(promise)});
    if (batch_.size() >= 1024 || batch_bytes_ >= kMaxInFlight / 2) dispatch();
    return future;
  }

  void dispatch() {
    if (batch_.empty()) return;
    std::sort(batch_.begin(), batch_.end(), [](const BlobRequest& a, const BlobRequest& b) {
      return a.loc.pack != b.loc.pack ? a.loc.pack < b.loc.pack : a.loc.offset < b.loc.offset;
    });
    size_t i = 0;
    while (i < batch_.size()) {
      // One read covers blobs of the same pack with gaps under 256 KiB, up to 16 MiB.
      size_t j = i + 1;
      uint64_t start = batch_[i].loc.offset, end = start + batch_[i].loc.length;
      while (j < batch_.size() && batch_[j].loc.pack == batch_[i].loc.pack && batch_[j].loc.offset <= end + (256 << 10) &&
             batch_[j].loc.offset + batch_[j].loc.length - start <= (16u << 20)) {
        end = std::max<uint64_t>(end, batch_[j].loc.offset + batch_[j].loc.length);
        ++j;
      }
      std::vector<BlobRequest> group(std::make_move_iterator(batch_.begin() + static_cast<long>(i)),
                                     std::make_move_iterator(batch_.begin() + static_cast<long>(j)));
      pool_.submit([this, group = std::move(group), start, end]() mutable {
        std::string object = pack_object_name(repo_.index().pack_name(group.front().loc.pack));
        auto bytes = repo_.backend().get_range(object, start, end - start);
        for (auto& r : group) {
          if (!bytes) {
            bool gone = bytes.error().kind == ErrorKind::NotFound || bytes.error().kind == ErrorKind::Corrupt;
            r.promise->set_value(gone ? make_error(ErrorKind::Corrupt, fmt::format("object {} is missing or truncated", object))
                                            .about_object(object)
                                            .because(Cause::MissingObject)
                                      : bytes.error());
            continue;
          }
          ByteView box = ByteView(*bytes).subspan(r.loc.offset - start, r.loc.length);
          r.promise->set_value(repo_.open_packed_blob(object, r.loc, r.hash, box));
        }
      });
      i = j;
    }
    batch_.clear();
    batch_bytes_ = 0;
    requests_dispatched_ = requests_made_;
  }

  // The next blob of a file, once fetched; more of its segments are requested as it is consumed.
  Result<Bytes> next_blob(PendingFile& p) {
    request_more(p);
    if (p.blobs.front().first > requests_dispatched_) dispatch();
    auto data = p.blobs.front().second.get();
    p.blobs.pop_front();
    return data;
  }

  void write_next() {
    PendingFile p = std::move(pending_.front());
    pending_.pop_front();
    in_flight_ -= p.bytes;
    restore_file(p);
    ++progress_.files;
  }

  // Every file is written under a temporary name and renamed into place when
  // whole, so a killed restore leaves each file whole or absent.
  void restore_file(PendingFile& p) {
    const Entry& e = p.entry;
    auto parent = tree_.dir(p.names, p.names.size() - 1);
    if (!parent) return fail(e, parent.error().message);
    int pfd = *parent;
    const std::string& name = p.names.back();
    struct stat st;
    const bool exists = ::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists) {
      if (S_ISDIR(st.st_mode)) return fail(e, fmt::format("{} is a directory in the way", tree_.shown(p.names, p.names.size())));
      if (S_ISLNK(st.st_mode)) result_.replaced_links.push_back(e.path);
    }
    std::string tmp = temp_name();
    if (e.hardlink_id) {
      auto first = links_.find(e.hardlink_id);
      if (first != links_.end() && opts_.overwrite == Overwrite::IfChanged && exists && already_linked(first->second, st)) {
        parent = tree_.dir(p.names, p.names.size() - 1);
        if (!parent) return fail(e, parent.error().message);
        return keep(*parent, p.names, e, Verdict::Unchanged);
      }
      if (first != links_.end() && link_to(first->second, pfd, tmp)) {
        parent = tree_.dir(p.names, p.names.size() - 1);  // the walk to the first link moved
        if (!parent) return fail(e, parent.error().message);
        pfd = *parent;
        if (::renameat(pfd, tmp.c_str(), pfd, name.c_str()) == 0) {
          ++result_.files;
          progress_.bytes += e.size;
          act(RestoreAction::Written, e.path);
          if (opts_.verify) to_verify_.push_back({p.names, e.path, e.content});
          return;
        }
        ::unlinkat(pfd, tmp.c_str(), 0);
      }
      if (p.blobs.empty() && e.size > 0 && !p.delta) {  // its first link failed: fetch the content after all
        p.segments = repo_.content_segments(e.content);
        p.next_segment = 0;
      }
      // The walk above may have moved: open the parent again.
      parent = tree_.dir(p.names, p.names.size() - 1);
      if (!parent) return fail(e, parent.error().message);
      pfd = *parent;
    }
    // Read-write: a file rebuilt from a delta is read back to check its hash.
    int fd = ::openat(pfd, tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return fail(e, sys_error("cannot create file"));
    auto discard = [&] {
      ::close(fd);
      ::unlinkat(pfd, tmp.c_str(), 0);
    };
    uint64_t written = 0;
    if (p.delta) {
      Status st2 = repo_.write_content(e.content, e.size, fd, fs::path_in_dir(pfd, "."));
      if (!st2) {
        discard();
        return st2.error().kind == ErrorKind::Io ? fail(e, st2.error().message) : damaged(e, st2.error());
      }
      written = e.size;
      progress_.bytes += e.size;
    }
    while (!p.blobs.empty() || p.next_segment < p.segments.size()) {
      auto data = next_blob(p);
      if (!data) {
        discard();
        return damaged(e, data.error());
      }
      if (!write_sparse(fd, *data, written)) {
        std::string why = sys_error("cannot write");
        discard();
        return fail(e, why);
      }
      written += data->size();
      progress_.bytes += data->size();
    }
    if (written != e.size) {
      discard();
      return damaged(e, make_error(ErrorKind::Corrupt, fmt::format("its stored content has {} bytes, expected {}", written, e.size)));
    }
    if (::ftruncate(fd, static_cast<off_t>(e.size)) != 0) {
      std::string why = sys_error("cannot set the size");
      discard();
      return fail(e, why);
    }
    apply_metadata_fd(fd, e);
    ::close(fd);
    if (::renameat(pfd, tmp.c_str(), pfd, name.c_str()) != 0) {
      std::string why = sys_error("cannot rename the file into place");
      ::unlinkat(pfd, tmp.c_str(), 0);
      return fail(e, why);
    }
    if (e.hardlink_id) links_.emplace(e.hardlink_id, p.names);
    ++result_.files;
    result_.bytes += e.size;
    act(RestoreAction::Written, e.path);
    if (opts_.verify) to_verify_.push_back({p.names, e.path, e.content});
  }

  // Whether the node found (its stat: `here`) is already the file at first_names.
  bool already_linked(const std::vector<std::string>& first_names, const struct stat& here) {
    if (!S_ISREG(here.st_mode)) return false;
    auto from = tree_.dir(first_names, first_names.size() - 1);
    struct stat first;
    bool same = from && ::fstatat(*from, first_names.back().c_str(), &first, AT_SYMLINK_NOFOLLOW) == 0 && first.st_dev == here.st_dev &&
                first.st_ino == here.st_ino;
    return same;
  }

  // Links `to` in dir fd `to_dir` to the file already restored at names (walked again, no links followed).
  bool link_to(const std::vector<std::string>& names, int to_dir, const std::string& to) {
    int keep = ::dup(to_dir);  // the walk below may close to_dir
    if (keep < 0) return false;
    auto from = tree_.dir(names, names.size() - 1);
    bool ok = from && ::linkat(*from, names.back().c_str(), keep, to.c_str(), 0) == 0;
    ::close(keep);
    return ok;
  }

  void apply_metadata_fd(int fd, const Entry& e) {
    if (am_root_ && ::fchown(fd, e.uid, e.gid) != 0) warn(e.path, sys_error("cannot set owner"));
    for (const auto& [name, value] : e.xattrs)
      if (!fs::set_xattr(fd, name, value)) warn(e.path, sys_error("cannot set extended attribute " + name));
    // chmod after chown: chown clears setuid/setgid bits.
    if (::fchmod(fd, e.mode) != 0) warn(e.path, sys_error("cannot set permissions"));
    struct timespec times[2] = {{0, UTIME_OMIT}, mtime(e)};
    if (::futimens(fd, times) != 0) warn(e.path, sys_error("cannot set modification time"));
  }

  // For nodes that cannot be opened (symlinks, FIFOs, devices, sockets): never followed.
  void apply_metadata_at(int pfd, const std::string& name, const Entry& e) {
    if (am_root_ && ::fchownat(pfd, name.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) != 0) warn(e.path, sys_error("cannot set owner"));
    std::string at = fs::path_in_dir(pfd, name);
    for (const auto& [xname, value] : e.xattrs)
      if (!fs::set_xattr_nofollow(at, xname, value) && !(e.type == NodeType::Symlink && errno == EPERM))
        warn(e.path, sys_error("cannot set extended attribute " + xname));
    if (e.type != NodeType::Symlink && ::fchmodat(pfd, name.c_str(), e.mode, 0) != 0) warn(e.path, sys_error("cannot set permissions"));
    struct timespec times[2] = {{0, UTIME_OMIT}, mtime(e)};
    if (::utimensat(pfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) warn(e.path, sys_error("cannot set modification time"));
  }

  static struct timespec mtime(const Entry& e) {
    struct timespec t;
    t.tv_sec = e.mtime_ns / 1000000000;
    t.tv_nsec = e.mtime_ns % 1000000000;
    if (t.tv_nsec < 0) {
      t.tv_nsec += 1000000000;
      t.tv_sec -= 1;
    }
    return t;
  }

  void fail(const Entry& e, std::string message) { result_.failures.push_back({e.path, std::move(message)}); }
  void fail_path(const std::string& path, std::string message) { result_.failures.push_back({path, std::move(message)}); }
  void refuse(const Entry& e) {
    result_.damaged.push_back({e.path, "the snapshot names it with an empty, '.' or '..' component or not as an absolute path; refused"});
  }
  void damaged(const Entry& e, const Error& err) {
    result_.damaged.push_back({e.path, err.message});
    if (!err.object.empty()) result_.damaged_objects.insert(err.object);
  }
  void warn(const std::string& path, std::string message) { result_.warnings.push_back(path + ": " + message); }

  Repository& repo_;
  const RestoreOptions& opts_;
  RestoreProgress& progress_;
  RestoreResult& result_;
  bool am_root_;
  TargetTree tree_;
  std::vector<std::pair<std::vector<std::string>, Entry>> dirs_, symlinks_;
  std::unordered_map<uint64_t, std::vector<std::string>> links_;
  std::unordered_set<uint64_t> queued_links_, planned_links_;
  std::unordered_map<std::string, std::unordered_set<std::string>> children_;  // --delete: the names the snapshot has in each directory
  struct ToVerify {
    std::vector<std::string> names;
    std::string path;
    Hash content;
  };
  std::vector<ToVerify> to_verify_;
  // Enough to keep the pool and the writer busy; peak RSS follows it (issue 19).
  static constexpr uint64_t kMaxInFlight = 32 << 20;
  static constexpr size_t kSegmentWindow = 8;
  std::deque<PendingFile> pending_;
  std::vector<BlobRequest> batch_;
  uint64_t batch_bytes_ = 0;
  uint64_t requests_made_ = 0, requests_dispatched_ = 0;
  uint64_t in_flight_ = 0;
  ThreadPool pool_{static_cast<int>(std::max(2u, std::thread::hardware_concurrency()))};
};

}  // namespace

Result<RestoreResult> run_restore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options, RestoreProgress& progress) {
  std::error_code ec;
  if (!options.dry_run) std::filesystem::create_directories(options.target, ec);
  if (ec) return make_error(ErrorKind::Io, fmt::format("cannot create the target directory {}: {}", options.target, ec.message()));
  RestoreOptions opts = options;
  opts.target = std::filesystem::absolute(options.target).lexically_normal().string();
  while (opts.target.size() > 1 && opts.target.back() == '/') opts.target.pop_back();
  if (opts.target == "/") opts.target.clear();  // restoring in place
  if (opts.scope.empty()) opts.scope = opts.include.empty() ? snapshot.paths : opts.include;

  SnapshotStore store(repo);
  auto chain = store.chain(snapshot);
  if (!chain && chain.error().kind == ErrorKind::NotFound)
    return make_error(ErrorKind::Corrupt, fmt::format("snapshot {} cannot be read: {}", snapshot.short_id(), chain.error().message));
  GB_ASSIGN(auto logs, std::move(chain));
  ViewReader view(repo, logs);
  RestoreResult result;
  Restorer restorer(repo, opts, progress, result);
  GB_CHECK(restorer.open(opts.target));
  Entry e;
  uint64_t matched = 0;
  for (;;) {
    auto more = view.next(e);
    if (!more) {
      // A log blob the index no longer names is damage (exit 12), not a plain failure.
      if (more.error().kind != ErrorKind::NotFound) return more.error();
      return make_error(ErrorKind::Corrupt, fmt::format("snapshot {} cannot be read after {}: {}", snapshot.short_id(),
                                                        e.path.empty() ? std::string("its start") : e.path, more.error().message));
    }
    if (!*more) break;
    if (!included(e.path, opts.include)) continue;
    ++matched;
    ++progress.entries;
    restorer.restore(e);
  }
  restorer.finish();
  if (matched == 0 && !opts.include.empty())
    return make_error(ErrorKind::NotFound, fmt::format("snapshot {} has no path matching {}", snapshot.short_id(), fmt::join(opts.include, ", ")));
  return result;
}

}  // namespace gb
