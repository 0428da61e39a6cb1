#include "core/restore/restorer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <algorithm>
#include <deque>
#include <memory>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/common/fd_io.h"
#include "core/common/path_order.h"
#include "core/common/thread_pool.h"
#include "core/content/pack_format.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

std::string sys_error(const std::string& what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

bool included(const std::string& path, const std::vector<std::string>& include) {
  if (include.empty()) return true;
  for (const auto& inc : include)
    if (path_within(path, inc)) return true;
  return false;
}

class Restorer {
 public:
  Restorer(Repository& repo, const RestoreOptions& options, RestoreProgress& progress, RestoreResult& result)
      : repo_(repo), options_(options), progress_(progress), result_(result), am_root_(::geteuid() == 0) {}

  void restore(const Entry& e) {
    std::string dest = options_.target + e.path;
    ensure_parent(dest);
    switch (e.type) {
      case NodeType::Dir:
        if (::mkdir(dest.c_str(), 0700) != 0 && errno != EEXIST) return fail(e, sys_error("cannot create directory"));
        dirs_.push_back({dest, e});  // metadata after the children, or their creation would change it
        ++result_.dirs;
        return;
      case NodeType::File:
        return queue_file(e, dest);
      case NodeType::Symlink:
        ::unlink(dest.c_str());
        if (::symlink(e.symlink_target.c_str(), dest.c_str()) != 0) return fail(e, sys_error("cannot create symlink"));
        break;
      case NodeType::Fifo:
        ::unlink(dest.c_str());
        if (::mkfifo(dest.c_str(), 0600) != 0) return fail(e, sys_error("cannot create FIFO"));
        break;
      case NodeType::CharDev:
      case NodeType::BlockDev:
        ::unlink(dest.c_str());
        if (::mknod(dest.c_str(), (e.type == NodeType::CharDev ? S_IFCHR : S_IFBLK) | 0600, static_cast<dev_t>(e.rdev)) != 0)
          return fail(e, sys_error("cannot create device node"));
        break;
      case NodeType::Socket:
        return;  // a socket is meaningless without its server; recorded, not recreated
    }
    ++result_.others;
    apply_metadata(dest, e);
  }

  void finish() {
    while (!pending_.empty()) write_next();
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) apply_metadata(it->first, it->second);
  }

 private:
  void ensure_parent(const std::string& dest) {
    std::string parent = dest.substr(0, dest.rfind('/'));
    if (parent == last_parent_) return;
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    last_parent_ = parent;
  }

  // Files are written in view order while their blobs are fetched, opened
  // and checked ahead by the pool, up to a bounded number of bytes in flight.
  struct PendingFile {
    Entry entry;
    std::string dest;
    std::vector<std::future<Result<Bytes>>> blobs;
    uint64_t bytes;
    bool delta = false;  // rebuilt from a delta chain when written
    uint64_t last_request = 0;  // sequence number of its last blob request (0: none)
  };

  void queue_file(const Entry& e, const std::string& dest) {
    if (!repo_.content_present(e.content, e.size)) {
      // Committed but not uploaded yet: not damage, and nothing half-made is left.
      result_.not_uploaded.push_back(e.path);
      return;
    }
    PendingFile p{e, dest, {}, e.size};
    p.delta = repo_.index().find_delta(e.content).has_value();
    // A hard link to a file already written needs no content; nor does an empty file.
    bool linked = e.hardlink_id && (links_.count(e.hardlink_id) || queued_links_.count(e.hardlink_id));
    if (!linked && e.size > 0 && !p.delta)
      for (const Hash& seg : repo_.content_segments(e.content)) p.blobs.push_back(request_blob(seg));
    if (!p.blobs.empty()) p.last_request = requests_made_;
    if (e.hardlink_id) queued_links_.insert(e.hardlink_id);
    in_flight_ += p.blobs.empty() ? 0 : p.bytes;
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
      promise->set_value(repo_.read_blob(hash));  // says what is missing
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
            r.promise->set_value(gone ? make_error(ErrorKind::Corrupt, fmt::format("object {} is missing or truncated", object)) : bytes.error());
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

  void write_next() {
    // Send what is gathered only when the file to write next waits on it:
    // otherwise the gathering goes on, and reads stay large.
    if (pending_.front().last_request > requests_dispatched_) dispatch();
    PendingFile p = std::move(pending_.front());
    pending_.pop_front();
    if (!p.blobs.empty()) in_flight_ -= p.bytes;
    restore_file(p);
  }

  void restore_file(PendingFile& p) {
    const Entry& e = p.entry;
    const std::string& dest = p.dest;
    if (e.hardlink_id) {
      auto first = links_.find(e.hardlink_id);
      if (first != links_.end()) {
        ::unlink(dest.c_str());
        if (::link(first->second.c_str(), dest.c_str()) == 0) {
          ++result_.files;
          return;
        }
      }
      if (p.blobs.empty() && e.size > 0 && !p.delta) {  // its first link failed: fetch the content after all
        for (const Hash& seg : repo_.content_segments(e.content)) p.blobs.push_back(request_blob(seg));
        dispatch();  // waited on right below
      }
    }
    ::unlink(dest.c_str());  // never write through an existing hard link or symlink
    // Read-write: a file rebuilt from a delta is read back to check its hash.
    int fd = ::open(dest.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return fail(e, sys_error("cannot create file"));
    uint64_t written = 0;
    if (p.delta) {
      Status st = repo_.write_content(e.content, e.size, fd, dest.substr(0, dest.rfind('/')));
      if (!st) {
        ::close(fd);
        ::unlink(dest.c_str());
        return st.error().kind == ErrorKind::Io ? fail(e, st.error().message) : damaged(e, st.error());
      }
      written = e.size;
      progress_.bytes += e.size;
    }
    for (auto& blob : p.blobs) {
      auto data = blob.get();
      if (!data) {
        ::close(fd);
        ::unlink(dest.c_str());
        return damaged(e, data.error());
      }
      if (!write_fully(fd, *data)) {
        std::string why = sys_error("cannot write");
        ::close(fd);
        ::unlink(dest.c_str());
        return fail(e, why);
      }
      written += data->size();
      progress_.bytes += data->size();
    }
    if (written != e.size) {
      ::close(fd);
      ::unlink(dest.c_str());
      return damaged(e, make_error(ErrorKind::Corrupt, fmt::format("its stored content has {} bytes, expected {}", written, e.size)));
    }
    ::close(fd);
    apply_metadata(dest, e);
    if (e.hardlink_id) links_.emplace(e.hardlink_id, dest);
    ++result_.files;
    result_.bytes += e.size;
  }

  void apply_metadata(const std::string& dest, const Entry& e) {
    const char* p = dest.c_str();
    if (am_root_ && ::lchown(p, e.uid, e.gid) != 0) warn(dest, sys_error("cannot set owner"));
    for (const auto& [name, value] : e.xattrs)
      if (::lsetxattr(p, name.c_str(), value.data(), value.size(), 0) != 0 && !(e.type == NodeType::Symlink && errno == EPERM))
        warn(dest, sys_error("cannot set extended attribute " + name));
    // chmod after chown: chown clears setuid/setgid bits.
    if (e.type != NodeType::Symlink && ::chmod(p, e.mode) != 0) warn(dest, sys_error("cannot set permissions"));
    struct timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = e.mtime_ns / 1000000000;
    times[1].tv_nsec = e.mtime_ns % 1000000000;
    if (times[1].tv_nsec < 0) {
      times[1].tv_nsec += 1000000000;
      times[1].tv_sec -= 1;
    }
    if (::utimensat(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW) != 0) warn(dest, sys_error("cannot set modification time"));
  }

  void fail(const Entry& e, std::string message) { result_.failures.push_back({e.path, std::move(message)}); }
  void damaged(const Entry& e, const Error& err) {
    result_.damaged.push_back({e.path, err.message});
    auto pos = err.message.find("object ");
    if (pos != std::string::npos) {
      auto end = err.message.find(' ', pos + 7);
      result_.damaged_objects.insert(err.message.substr(pos + 7, end - pos - 7));
    }
  }
  void warn(const std::string& dest, std::string message) { result_.warnings.push_back(dest + ": " + message); }

  Repository& repo_;
  const RestoreOptions& options_;
  RestoreProgress& progress_;
  RestoreResult& result_;
  bool am_root_;
  std::string last_parent_;
  std::vector<std::pair<std::string, Entry>> dirs_;
  std::unordered_map<uint64_t, std::string> links_;
  std::unordered_set<uint64_t> queued_links_;
  static constexpr uint64_t kMaxInFlight = 64 << 20;
  std::deque<PendingFile> pending_;
  std::vector<BlobRequest> batch_;
  uint64_t batch_bytes_ = 0;
  uint64_t requests_made_ = 0, requests_dispatched_ = 0;
  uint64_t in_flight_ = 0;
  ThreadPool pool_{static_cast<int>(std::max(2u, std::thread::hardware_concurrency()))};
};

}  // namespace

Result<RestoreResult> run_restore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options,
                                  RestoreProgress& progress) {
  std::error_code ec;
  std::filesystem::create_directories(options.target, ec);
  if (ec) return make_error(ErrorKind::Io, fmt::format("cannot create the target directory {}: {}", options.target, ec.message()));
  RestoreOptions opts = options;
  opts.target = std::filesystem::absolute(options.target).lexically_normal().string();
  while (opts.target.size() > 1 && opts.target.back() == '/') opts.target.pop_back();
  if (opts.target == "/") opts.target.clear();  // restoring in place

  SnapshotStore store(repo);
  GB_ASSIGN(auto logs, store.chain(snapshot));
  ViewReader view(repo, logs);
  RestoreResult result;
  Restorer restorer(repo, opts, progress, result);
  Entry e;
  uint64_t matched = 0;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
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
