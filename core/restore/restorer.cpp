#include "core/restore/restorer.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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

class Restorer {
 public:
  Restorer(Repository& repo, RestoreProgress& progress, RestoreResult& result)
      : repo_(repo), progress_(progress), result_(result), am_root_(::geteuid() == 0) {}

  Status open(const std::string& target) { return tree_.open(target); }

  void restore(const Entry& e) {
    std::vector<std::string> names;
    if (!split_stored_path(e.path, names)) return refuse(e);
    if (names.empty()) {  // the root itself: only its metadata
      if (e.type == NodeType::Dir) dirs_.push_back({names, e});
      return;
    }
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
  }

  void finish() {
    while (!pending_.empty()) write_next();
    for (auto& [names, e] : symlinks_) make_symlink(names, e);
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      auto fd = tree_.dir(it->first, it->first.size());
      if (!fd) {
        warn(it->second.path, fd.error().message);
        continue;
      }
      apply_metadata_fd(*fd, it->second);
    }
  }

 private:
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
    PendingFile p{e, std::move(names), {}, 0, {}, 0};
    p.delta = repo_.index().find_delta(e.content).has_value();
    // A hard link to a file already written needs no content; nor does an empty file.
    bool linked = e.hardlink_id && (links_.count(e.hardlink_id) || queued_links_.count(e.hardlink_id));
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
    if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISDIR(st.st_mode)) return fail(e, fmt::format("{} is a directory in the way", tree_.shown(p.names, p.names.size())));
      if (S_ISLNK(st.st_mode)) result_.replaced_links.push_back(e.path);
    }
    std::string tmp = temp_name();
    if (e.hardlink_id) {
      auto first = links_.find(e.hardlink_id);
      if (first != links_.end() && link_to(first->second, pfd, tmp)) {
        parent = tree_.dir(p.names, p.names.size() - 1);  // the walk to the first link moved
        if (!parent) return fail(e, parent.error().message);
        pfd = *parent;
        if (::renameat(pfd, tmp.c_str(), pfd, name.c_str()) == 0) {
          ++result_.files;
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
  void refuse(const Entry& e) {
    result_.damaged.push_back({e.path, "the snapshot names it with an empty, '.' or '..' component or not as an absolute path; refused"});
  }
  void damaged(const Entry& e, const Error& err) {
    result_.damaged.push_back({e.path, err.message});
    if (!err.object.empty()) result_.damaged_objects.insert(err.object);
  }
  void warn(const std::string& path, std::string message) { result_.warnings.push_back(path + ": " + message); }

  Repository& repo_;
  RestoreProgress& progress_;
  RestoreResult& result_;
  bool am_root_;
  TargetTree tree_;
  std::vector<std::pair<std::vector<std::string>, Entry>> dirs_, symlinks_;
  std::unordered_map<uint64_t, std::vector<std::string>> links_;
  std::unordered_set<uint64_t> queued_links_;
  static constexpr uint64_t kMaxInFlight = 64 << 20;
  static constexpr size_t kSegmentWindow = 16;
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
  std::filesystem::create_directories(options.target, ec);
  if (ec) return make_error(ErrorKind::Io, fmt::format("cannot create the target directory {}: {}", options.target, ec.message()));
  RestoreOptions opts = options;
  opts.target = std::filesystem::absolute(options.target).lexically_normal().string();
  while (opts.target.size() > 1 && opts.target.back() == '/') opts.target.pop_back();
  if (opts.target == "/") opts.target.clear();  // restoring in place

  SnapshotStore store(repo);
  auto chain = store.chain(snapshot);
  if (!chain && chain.error().kind == ErrorKind::NotFound)
    return make_error(ErrorKind::Corrupt, fmt::format("snapshot {} cannot be read: {}", snapshot.short_id(), chain.error().message));
  GB_ASSIGN(auto logs, std::move(chain));
  ViewReader view(repo, logs);
  RestoreResult result;
  Restorer restorer(repo, progress, result);
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
