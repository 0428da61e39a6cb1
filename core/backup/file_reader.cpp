#include "core/backup/file_reader.h"

#include "core/backup/recent_change.h"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/common/fd_io.h"
#include "core/common/parallel.h"
#include "core/common/posix_error.h"
#include "core/content/content_id.h"
#include "core/crypto/sha256.h"
#include "core/delta/async_signer.h"
#include "core/delta/delta_builder.h"
#include "core/delta/signature_builder.h"
#include "core/fs/file_system.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {

// A hash-only read of a file of this many segments or more hashes them on
// up to kMaxHashThreads threads.
constexpr size_t kParallelFrom = 8, kMaxHashThreads = 4;

// Fills `buf` from fd; returns bytes read (short only at end of file), or -1.
ssize_t read_segment(int fd, Bytes& buf) {
  size_t filled = 0;
  while (filled < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + filled, buf.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(filled);
}

// Keeps the disk reading ahead of the hashing. The kernel's own read-ahead
// is a few hundred KiB: on a disk slower than the hash, a 1 MiB read waits
// for the disk and the disk then idles while the segment is hashed. With a
// window of whole segments in flight the two overlap. (On our test machine's
// 3 GB/s disk the hash is the slower part and this changes nothing.)
class ReadAhead {
 public:
  ReadAhead(int fd, uint64_t size) : fd_(fd), size_(size) {}
  void advance(uint64_t consumed) {
    if (size_ <= kWindow / 2 || requested_ >= size_ || requested_ > consumed + kWindow / 2) return;
    uint64_t to = std::min(size_, consumed + kWindow);
    fs::read_ahead(fd_, requested_, to - requested_);
    requested_ = to;
  }

 private:
  static constexpr uint64_t kWindow = 16u << 20;
  int fd_;
  uint64_t size_;
  uint64_t requested_ = 0;
};

// The segment ids of the first `size` bytes of the file at `path`, hashed by
// `threads` threads at once, each reading its own contiguous run of segments
// through its own descriptor (so the kernel sees sequential reads and reads
// ahead for each).
enum class ParallelRead { Whole, Shorter, Failed };  // Failed: errno says why
ParallelRead hash_segments_in_parallel(const std::string& path, uint64_t size, size_t segment_size, size_t threads, std::vector<Hash>& segments,
                                       std::atomic<uint64_t>& bytes_read) {
  size_t count = static_cast<size_t>((size + segment_size - 1) / segment_size);
  segments.assign(count, Hash{});
  std::atomic<int> outcome{static_cast<int>(ParallelRead::Whole)}, error{0};
  parallel_for(threads, [&](size_t t) {
    size_t first = count * t / threads, last = count * (t + 1) / threads;
    UniqueFd fd = fs::open_for_reading(path);
    if (!fd) {
      error = errno;
      outcome = static_cast<int>(ParallelRead::Failed);
      return;
    }
    Bytes buf(segment_size);
    for (size_t i = first; i < last && outcome == static_cast<int>(ParallelRead::Whole); ++i) {
      uint64_t offset = static_cast<uint64_t>(i) * segment_size;
      size_t want = static_cast<size_t>(std::min<uint64_t>(segment_size, size - offset));
      ssize_t got = pread_fully(fd.get(), buf.data(), want, static_cast<off_t>(offset));
      if (got < 0) {
        error = errno;
        outcome = static_cast<int>(ParallelRead::Failed);
        break;
      }
      if (static_cast<size_t>(got) != want) {
        int expected = static_cast<int>(ParallelRead::Whole);  // a failure outranks a shrink
        outcome.compare_exchange_strong(expected, static_cast<int>(ParallelRead::Shorter));
        break;
      }
      segments[i] = sha256(ByteView(buf.data(), want));
      bytes_read += want;
    }
  });
  if (outcome == static_cast<int>(ParallelRead::Failed)) errno = error;
  return static_cast<ParallelRead>(outcome.load());
}

}  // namespace

Status FileReader::read(Entry& e, bool store, int attempts, std::optional<Hash> delta_base) {
  // The attempts are bounded by time as well as by count: a large file that
  // never stops changing must not hold the backup (issue 21 saw 18-60 s per
  // file inside librsync); past the budget it goes to the staging area.
  const auto deadline = std::chrono::steady_clock::now() + options_.unstable_budget;
  for (int attempt = 1;; ++attempt) {
    bool stable = false;
    GB_CHECK(read_once(e, store, delta_base, stable));
    if (stable) return {};
    if (attempt >= attempts || std::chrono::steady_clock::now() >= deadline)
      return make_error(ErrorKind::Io, fmt::format("it kept changing while being read ({} attempts); not stored", attempt)).because(Cause::Unstable);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
    GB_ASSIGN(e, stat_entry(e.path));
  }
}

Status FileReader::read_once(Entry& e, bool store, const std::optional<Hash>& delta_base, bool& stable, bool prove_recent, int64_t* ctime_after) {
  const int64_t started = now_ns();  // before the first stat: see recent_change.h
  UniqueFd fd = fs::open_for_reading(e.path);
  if (!fd) return posix_error("cannot open", errno);
  fs::FileInfo before;
  fs::fstat_info(fd.get(), before);

  // Hash-only reads (the commit of `backup --no-upload`) compute nothing but the
  // content hash (the segment ids): the signature costs more CPU than the
  // hash, and the uploader computes it in the read it does anyway.
  std::optional<SignatureBuilder> signature;
  std::optional<AsyncSigner> async_signature;  // files of more than one segment sign on their own thread
  if (store && e.size >= options_.signature_min_size) {
    if (e.size > buffer_.size())
      async_signature.emplace(e.size);
    else
      signature.emplace(e.size);
  }
  // A delta pays only against a version that has a signature and a chain short enough to extend.
  std::optional<DeltaBuilder> delta;
  Bytes delta_bytes;
  uint32_t base_depth = 0;
  if (store && delta_base && (signature || async_signature)) {
    auto sig_blob = repo_.index().find_signature(*delta_base);
    base_depth = repo_.delta_depth(*delta_base);
    if (sig_blob && base_depth < options_.max_delta_chain && repo_.content_present(*delta_base, 1)) {
      auto sig = repo_.read_blob(*sig_blob);
      if (sig) {
        auto builder = DeltaBuilder::from_signature(*sig);
        if (builder) delta.emplace(std::move(*builder));
      }
    }
  }
  bool delta_abandoned = false;

  std::vector<Hash> segments;
  uint64_t total = 0;
  Status result;
  ReadAhead ahead(fd.get(), before.size);
  // A hash-only read of a large file hashes its segments on every core.
  uint64_t size_now = before.size;
  size_t threads = std::min<size_t>(kMaxHashThreads, std::max(1u, std::thread::hardware_concurrency()));
  const bool parallel = !store && threads > 1 && size_now >= kParallelFrom * buffer_.size();
  if (parallel) {
    switch (hash_segments_in_parallel(e.path, size_now, buffer_.size(), threads, segments, counters_.bytes)) {
      case ParallelRead::Whole:
        total = size_now;
        break;
      case ParallelRead::Shorter:
        break;  // it shrank while read: total 0 makes it unstable, read again
      case ParallelRead::Failed:
        result = posix_error("read failed", errno);
        break;
    }
  }
  while (!parallel) {
    ahead.advance(total);
    ssize_t filled = read_segment(fd.get(), buffer_);
    if (filled < 0) {
      result = posix_error("read failed", errno);
      break;
    }
    if (filled == 0) break;
    ByteView seg(buffer_.data(), static_cast<size_t>(filled));
    total += static_cast<uint64_t>(filled);
    counters_.bytes += static_cast<uint64_t>(filled);
    Hash h = sha256(seg);
    segments.push_back(h);
    if (!store) {
      if (static_cast<size_t>(filled) < buffer_.size()) break;
      continue;
    }
    if (signature) signature->update(seg);
    if (async_signature) async_signature->update(seg);
    if (delta) {
      // Past half the file's size a delta no longer pays: fall back to segments.
      // Judged early too (after 8 MiB), because librsync is slow (~40 MB/s)
      // exactly when little matches, as in a file rewritten from scratch.
      uint64_t so_far = total;
      if (!delta->update(seg, delta_bytes) || delta_bytes.size() > e.size / 2 || (so_far >= (8u << 20) && delta_bytes.size() > so_far / 2)) {
        delta.reset();
        delta_abandoned = true;
      }
    }
    if (!delta && !repo_.index().has_blob(h)) packer_.add(BlobType::Data, h, Bytes(seg.begin(), seg.end()));
    if (static_cast<size_t>(filled) < buffer_.size()) break;
    // Changed under us: this read cannot be stable, stop now rather than
    // hash, sign and delta the rest (one fstat per segment is cheap).
    fs::FileInfo now;
    if (fs::fstat_info(fd.get(), now) && (now.size != before.size || now.mtime_ns != before.mtime_ns || now.ctime_ns != before.ctime_ns)) break;
  }
  fs::FileInfo after;
  fs::fstat_info(fd.get(), after);
  fd.reset();
  GB_CHECK(result);
  counters_.files += 1;
  stable = total == after.size && before.size == after.size && before.mtime_ns == after.mtime_ns && before.ctime_ns == after.ctime_ns &&
           after.mtime_ns == e.mtime_ns && after.size == e.size;
  if (ctime_after) *ctime_after = after.ctime_ns;
  if (!stable) return {};
  const Hash content = content_id_of_segments(segments);
  if (prove_recent && changed_recently(after, started)) {
    // Changed just before the read: the stats cannot prove this read saw one
    // version (recent_change.h). Past the window, a hash-only second read
    // with the same stats and the same content proves it; else read again.
    std::this_thread::sleep_for(kRecentChangeWindow);
    Entry again = e;
    int64_t second_ctime = 0;
    bool second_stable = false;  // which also means the same size and mtime
    GB_CHECK(read_once(again, false, std::nullopt, second_stable, /*prove_recent=*/false, &second_ctime));
    stable = second_stable && second_ctime == after.ctime_ns && again.content == content;
    if (!stable) return {};
  }
  e.content = content;
  if (store && segments.size() > 1) repo_.index().add_segments(e.content, segments);
  if (signature || async_signature) {
    GB_ASSIGN(Bytes sig, signature ? signature->finish() : async_signature->finish());
    Hash sig_hash = sha256(sig);
    packer_.add(BlobType::Signature, sig_hash, std::move(sig));
    repo_.index().add_signature(e.content, sig_hash);
  }
  if (!store || (repo_.content_present(e.content, e.size) && !delta_abandoned)) return {};
  if (delta) {
    if (delta->finish(delta_bytes) && delta_bytes.size() <= e.size / 2) {
      DeltaLink link{*delta_base, base_depth + 1, {}};
      for (size_t off = 0; off < delta_bytes.size(); off += buffer_.size()) {
        ByteView piece = ByteView(delta_bytes).subspan(off, std::min(buffer_.size(), delta_bytes.size() - off));
        Hash h = sha256(piece);
        packer_.add(BlobType::Delta, h, Bytes(piece.begin(), piece.end()));
        link.blobs.push_back(h);
      }
      repo_.index().add_delta(e.content, std::move(link));
      ++counters_.deltas;
      return {};
    }
    delta_abandoned = true;
  }
  if (delta_abandoned) return store_segments(e, segments);
  return {};
}

Status FileReader::store_segments(const Entry& e, const std::vector<Hash>& expected) {
  UniqueFd fd = fs::open_for_reading(e.path);
  if (!fd) return posix_error("cannot open", errno);
  for (const Hash& want : expected) {
    ssize_t filled = read_segment(fd.get(), buffer_);
    ByteView seg(buffer_.data(), filled > 0 ? static_cast<size_t>(filled) : 0);
    if (filled <= 0 || sha256(seg) != want) {
      return make_error(ErrorKind::Io, "it kept changing while being read (it changed between two passes); not stored").because(Cause::Unstable);
    }
    if (!repo_.index().has_blob(want)) packer_.add(BlobType::Data, want, Bytes(seg.begin(), seg.end()));
  }
  return {};
}

}  // namespace gb
