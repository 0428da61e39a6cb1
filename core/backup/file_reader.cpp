#include "core/backup/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>

#include "core/crypto/sha256.h"
#include "core/delta/async_signer.h"
#include "core/delta/delta_builder.h"
#include "core/delta/signature_builder.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {

int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

int open_for_reading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);  // O_NOATIME needs ownership
  // Read once, front to back: a larger read-ahead, and no need to keep the pages.
  if (fd >= 0) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return fd;
}

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
    ::posix_fadvise(fd_, static_cast<off_t>(requested_), static_cast<off_t>(to - requested_), POSIX_FADV_WILLNEED);
    requested_ = to;
  }

 private:
  static constexpr uint64_t kWindow = 16u << 20;
  int fd_;
  uint64_t size_;
  uint64_t requested_ = 0;
};

}  // namespace

Status FileReader::read(Entry& e, bool store, int attempts, std::optional<Hash> delta_base) {
  for (int attempt = 1;; ++attempt) {
    bool stable = false;
    GB_CHECK(read_once(e, store, delta_base, stable));
    if (stable) return {};
    if (attempt >= attempts)
      return make_error(ErrorKind::Io, fmt::format("it kept changing while being read ({} attempts); not stored", attempts));
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
    std::string problem;
    Entry fresh;
    if (!stat_entry(e.path, fresh, problem)) return make_error(ErrorKind::Io, problem);
    e = std::move(fresh);
  }
}

Status FileReader::read_once(Entry& e, bool store, const std::optional<Hash>& delta_base, bool& stable) {
  int fd = open_for_reading(e.path);
  if (fd < 0) return make_error(ErrorKind::Io, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat before;
  ::fstat(fd, &before);

  // Hash-only reads (the commit of `backup --no-upload`) compute nothing but the
  // content hash: segment hashes and the signature cost 2-3x more CPU than
  // SHA-256 alone, and the uploader computes them in the read it does anyway.
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

  Sha256 whole;
  std::vector<Hash> segments;
  size_t segment_count = 0;
  uint64_t total = 0;
  Status result;
  ReadAhead ahead(fd, static_cast<uint64_t>(before.st_size));
  for (;;) {
    ahead.advance(total);
    ssize_t filled = read_segment(fd, buffer_);
    if (filled < 0) {
      result = make_error(ErrorKind::Io, fmt::format("read failed: {}", std::strerror(errno)));
      break;
    }
    if (filled == 0) break;
    ByteView seg(buffer_.data(), static_cast<size_t>(filled));
    whole.update(seg);
    total += static_cast<uint64_t>(filled);
    counters_.bytes += static_cast<uint64_t>(filled);
    ++segment_count;
    if (!store) {
      if (static_cast<size_t>(filled) < buffer_.size()) break;
      continue;
    }
    Hash h = sha256(seg);
    segments.push_back(h);
    if (signature) signature->update(seg);
    if (async_signature) async_signature->update(seg);
    if (delta) {
      // Past half the file's size a delta no longer pays: fall back to segments.
      // Judged early too (after 8 MiB), because librsync is slow (~40 MB/s)
      // exactly when little matches, as in a file rewritten from scratch.
      uint64_t so_far = total;
      if (!delta->update(seg, delta_bytes) || delta_bytes.size() > e.size / 2 ||
          (so_far >= (8u << 20) && delta_bytes.size() > so_far / 2)) {
        delta.reset();
        delta_abandoned = true;
      }
    }
    if (!delta && !repo_.index().has_blob(h)) packer_.add(BlobType::Data, h, Bytes(seg.begin(), seg.end()));
    if (static_cast<size_t>(filled) < buffer_.size()) break;
  }
  struct stat after;
  ::fstat(fd, &after);
  ::close(fd);
  GB_CHECK(result);
  counters_.files += 1;
  stable = total == static_cast<uint64_t>(after.st_size) && before.st_size == after.st_size &&
           ns(before.st_mtim) == ns(after.st_mtim) && ns(before.st_ctim) == ns(after.st_ctim) &&
           ns(after.st_mtim) == e.mtime_ns && static_cast<uint64_t>(after.st_size) == e.size;
  if (!stable) return {};
  // One segment: the content hash is that segment's blob id (the same value as the whole-file hash).
  e.content = segment_count == 0 ? kEmptyContent : segments.size() == 1 ? segments[0] : whole.finish();
  if (segments.size() > 1) repo_.index().add_segments(e.content, segments);
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
  int fd = open_for_reading(e.path);
  if (fd < 0) return make_error(ErrorKind::Io, fmt::format("cannot open: {}", std::strerror(errno)));
  for (const Hash& want : expected) {
    ssize_t filled = read_segment(fd, buffer_);
    ByteView seg(buffer_.data(), filled > 0 ? static_cast<size_t>(filled) : 0);
    if (filled <= 0 || sha256(seg) != want) {
      ::close(fd);
      return make_error(ErrorKind::Io, "it kept changing while being read (it changed between two passes); not stored");
    }
    if (!repo_.index().has_blob(want)) packer_.add(BlobType::Data, want, Bytes(seg.begin(), seg.end()));
  }
  ::close(fd);
  return {};
}

}  // namespace gb
