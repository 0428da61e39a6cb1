#include "core/backup/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>

#include "core/crypto/sha256.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {
int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

Status FileReader::read(Entry& e, bool store, int attempts) {
  for (int attempt = 1;; ++attempt) {
    bool stable = false;
    GB_CHECK(read_once(e, store, stable));
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

Status FileReader::read_once(Entry& e, bool store, bool& stable) {
  int fd = ::open(e.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(e.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);  // O_NOATIME needs ownership
  if (fd < 0) return make_error(ErrorKind::Io, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat before;
  ::fstat(fd, &before);
  Sha256 whole;
  std::vector<Hash> segments;
  uint64_t total = 0;
  Status result;
  for (;;) {
    size_t filled = 0;
    while (filled < segment_size_) {
      ssize_t n = ::read(fd, buffer_.data() + filled, segment_size_ - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        result = make_error(ErrorKind::Io, fmt::format("read failed: {}", std::strerror(errno)));
        break;
      }
      if (n == 0) break;
      filled += static_cast<size_t>(n);
    }
    if (!result || filled == 0) break;
    ByteView seg(buffer_.data(), filled);
    whole.update(seg);
    Hash h = sha256(seg);
    segments.push_back(h);
    if (store && !index_.has_blob(h)) packer_.add(BlobType::Data, h, Bytes(seg.begin(), seg.end()));
    total += filled;
    counters_.bytes += filled;
    if (filled < segment_size_) break;
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
  e.content = segments.size() == 1 ? segments[0] : whole.finish();
  if (segments.empty()) e.content = sha256({});
  if (segments.size() > 1) index_.add_segments(e.content, std::move(segments));
  return {};
}

}  // namespace gb
