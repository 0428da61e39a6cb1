#include "core/backup/staging_area.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <chrono>
#include <thread>

#include "core/common/private_files.h"
#include "core/crypto/keys.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {
int64_t ns(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

uint64_t StagingArea::used_bytes() const {
  uint64_t used = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_, ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) used += it->file_size(ec);
  return used;
}

Result<std::string> StagingArea::stage(Entry& e, int attempts) {
  if (used_bytes() + e.size > limit_)
    return make_error(ErrorKind::Io, fmt::format("the staging area ({} bytes) has no room for it", limit_));
  GB_CHECK(make_private_dir(dir_));
  std::string copy = dir_ + "/" + to_hex(random_bytes(12));
  // Bounded by time too (see FileReader::read): a copy that keeps failing
  // gives up after a few seconds, whatever the count.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (int attempt = 1; attempt <= attempts && (attempt == 1 || std::chrono::steady_clock::now() < deadline); ++attempt) {
    int in = ::open(e.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0) return make_error(ErrorKind::Io, fmt::format("cannot open: {}", std::strerror(errno)));
    int out = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
      int err = errno;
      ::close(in);
      return make_error(ErrorKind::Io, fmt::format("cannot create a staged copy: {}", std::strerror(err)));
    }
    struct stat before, after;
    ::fstat(in, &before);
    off_t done = 0;
    bool ok = true;
    while (ok) {
      ssize_t n = ::sendfile(out, in, nullptr, 1 << 30);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) ok = false;
      if (n <= 0) break;
      done += n;
    }
    ::fstat(in, &after);
    ::close(in);
    ::close(out);
    if (ok && before.st_size == after.st_size && done == after.st_size && ns(before.st_mtim) == ns(after.st_mtim) &&
        ns(before.st_ctim) == ns(after.st_ctim)) {
      std::string problem;
      Entry fresh;
      if (!stat_entry(e.path, fresh, problem)) break;
      if (fresh.mtime_ns == ns(after.st_mtim) && fresh.size == static_cast<uint64_t>(after.st_size)) {
        e = std::move(fresh);
        return copy;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
  }
  ::unlink(copy.c_str());
  return make_error(ErrorKind::Io, fmt::format("it kept changing even while being copied aside ({} attempts); not stored", attempts)).because(Cause::Unstable);
}

void StagingArea::release(const std::string& staged_path) { ::unlink(staged_path.c_str()); }

}  // namespace gb
