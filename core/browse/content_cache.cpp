#include "core/browse/content_cache.h"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>

#include "core/common/posix_error.h"
#include "core/fs/file_system.h"

namespace gb {

ContentCache::ContentCache(WithRepo with_repo, std::string scratch_dir, ContentCacheOptions options)
    : with_repo_(std::move(with_repo)), scratch_dir_(std::move(scratch_dir)), options_(options) {
  if (options_.read_ahead_segments > 0) ahead_ = std::thread([this] { ahead_loop(); });
}

ContentCache::~ContentCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (ahead_.joinable()) ahead_.join();
}

Result<ContentCache::Layout> ContentCache::layout(const Entry& file) {
  Layout out;
  bool present = false;
  GB_CHECK(with_repo_([&](Repository& repo) -> Status {
    present = repo.content_present(file.content, file.size);
    out.segment_size = repo.config().segment_size;
    if (repo.full_version_present(file.content)) {
      out.segments = repo.content_segments(file.content);
    } else {
      out.delta = true;
    }
    return {};
  }));
  if (!present)
    return make_error(ErrorKind::NotFound, fmt::format("{} is not stored yet (its upload is pending)", file.path)).because(Cause::MissingObject);
  // Segments of another size than this repository's (none are written so,
  // but a mismatch must never return wrong bytes): read the whole version.
  if (!out.delta && (out.segment_size == 0 || out.segments.size() != std::max<uint64_t>(1, (file.size + out.segment_size - 1) / out.segment_size)))
    out.delta = true;
  return out;
}

Result<bool> ContentCache::present(const Entry& file) {
  if (file.size == 0 || file.content == kEmptyContent) return true;
  bool present = false;
  GB_CHECK(with_repo_([&](Repository& repo) -> Status {
    present = repo.content_present(file.content, file.size);
    return {};
  }));
  return present;
}

Result<std::shared_ptr<const Bytes>> ContentCache::segment(const Hash& hash, bool ahead) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto it = segments_.find(hash);
    if (it != segments_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.in_lru);
      if (!ahead) ++counters_.segment_hits;
      return it->second.bytes;
    }
    if (!fetching_.count(hash)) break;
    if (ahead) return std::shared_ptr<const Bytes>();  // someone fetches it already
    changed_.wait(lock);
  }
  fetching_.insert(hash);
  lock.unlock();
  Result<Bytes> got = make_error(ErrorKind::Io, "not read");
  Status done = with_repo_([&](Repository& repo) -> Status {
    got = repo.read_blob(hash);
    return {};
  });
  lock.lock();
  fetching_.erase(hash);
  changed_.notify_all();
  if (!done) return done.error();
  if (!got) return got.error();
  auto bytes = std::make_shared<const Bytes>(std::move(*got));
  ++(ahead ? counters_.read_ahead_fetched : counters_.segments_fetched);
  lru_.push_front(hash);
  segments_[hash] = Cached{bytes, lru_.begin()};
  cached_bytes_ += bytes->size();
  while (cached_bytes_ > options_.cache_bytes && lru_.size() > 1) {
    auto victim = segments_.find(lru_.back());
    cached_bytes_ -= victim->second.bytes->size();
    segments_.erase(victim);
    lru_.pop_back();
  }
  return bytes;
}

Result<std::shared_ptr<UniqueFd>> ContentCache::rebuilt(const Entry& file) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    for (auto it = versions_.begin(); it != versions_.end(); ++it)
      if (it->first == file.content) {
        versions_.splice(versions_.begin(), versions_, it);
        return versions_.front().second;
      }
    if (!rebuilding_.count(file.content)) break;
    changed_.wait(lock);
  }
  rebuilding_.insert(file.content);
  lock.unlock();
  // An unnamed file: private, and its space is freed when the last reader lets go.
  auto fd = fs::anonymous_temp_file(scratch_dir_);
  Status done =
      fd ? with_repo_([&](Repository& repo) { return repo.write_content(file.content, file.size, fd->get(), scratch_dir_); }) : Status(fd.error());
  lock.lock();
  rebuilding_.erase(file.content);
  changed_.notify_all();
  if (!done) return done.error();
  ++counters_.versions_rebuilt;
  versions_.emplace_front(file.content, std::make_shared<UniqueFd>(std::move(*fd)));
  if (versions_.size() > std::max<size_t>(1, options_.rebuilt_versions)) versions_.pop_back();
  return versions_.front().second;
}

Result<Bytes> ContentCache::read(const Entry& file, uint64_t offset, uint64_t size, bool sequential) {
  if (offset >= file.size || size == 0) return Bytes();
  size = std::min(size, file.size - offset);
  GB_ASSIGN(Layout where, layout(file));
  Bytes out;
  out.reserve(size);
  if (where.delta) {
    GB_ASSIGN(auto fd, rebuilt(file));
    out.resize(size);
    uint64_t done = 0;
    while (done < size) {
      ssize_t n = ::pread(fd->get(), out.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return posix_error(fmt::format("cannot read the rebuilt version of {}", file.path), errno);
      if (n == 0) return make_error(ErrorKind::Corrupt, fmt::format("the rebuilt version of {} is shorter than its size", file.path));
      done += static_cast<uint64_t>(n);
    }
    return out;
  }
  uint64_t first = offset / where.segment_size, last = (offset + size - 1) / where.segment_size;
  for (uint64_t i = first; i <= last; ++i) {
    GB_ASSIGN(auto bytes, segment(where.segments[i], false));
    uint64_t seg_start = i * where.segment_size;
    uint64_t expected = std::min(where.segment_size, file.size - seg_start);
    if (bytes->size() != expected)
      return make_error(ErrorKind::Corrupt, fmt::format("segment {} of {} holds {} bytes, not {}", i, file.path, bytes->size(), expected));
    uint64_t from = std::max(offset, seg_start) - seg_start, to = std::min(offset + size, seg_start + expected) - seg_start;
    out.insert(out.end(), bytes->begin() + from, bytes->begin() + to);
  }
  if (sequential && options_.read_ahead_segments > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t i = last + 1; i < where.segments.size() && i <= last + options_.read_ahead_segments; ++i)
      if (!segments_.count(where.segments[i]) && !fetching_.count(where.segments[i]) &&
          std::find(ahead_queue_.begin(), ahead_queue_.end(), where.segments[i]) == ahead_queue_.end())
        ahead_queue_.push_back(where.segments[i]);
    changed_.notify_all();
  }
  return out;
}

void ContentCache::ahead_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !ahead_queue_.empty(); });
    if (stop_) return;
    Hash next = ahead_queue_.front();
    ahead_queue_.pop_front();
    lock.unlock();
    // A failure here is not reported: the reader meets it itself when it gets there.
    (void)segment(next, true);
    lock.lock();
  }
}

void ContentCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  segments_.clear();
  lru_.clear();
  cached_bytes_ = 0;
  ahead_queue_.clear();
  versions_.clear();
}

ContentCache::Counters ContentCache::counters() {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

}  // namespace gb
