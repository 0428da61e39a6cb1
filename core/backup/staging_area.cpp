#include "core/backup/staging_area.h"

#include "core/backup/recent_change.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/common/posix_error.h"
#include "core/common/private_files.h"
#include "core/crypto/keys.h"
#include "core/fs/file_system.h"
#include "core/scan/scanner.h"

namespace gb {

uint64_t StagingArea::used_bytes() const {
  uint64_t used = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_, ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) used += it->file_size(ec);
  return used;
}

Result<std::string> StagingArea::stage(Entry& e, int attempts) {
  if (used_bytes() + e.size > limit_) return make_error(ErrorKind::Io, fmt::format("the staging area ({} bytes) has no room for it", limit_));
  GB_CHECK(make_private_dir(dir_));
  GB_ASSIGN(Bytes suffix, random_bytes(12));
  std::string copy = dir_ + "/" + to_hex(suffix);
  // Bounded by time too (see FileReader::read): a copy that keeps failing
  // gives up after a few seconds, whatever the count.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (int attempt = 1; attempt <= attempts && (attempt == 1 || std::chrono::steady_clock::now() < deadline); ++attempt) {
    const int64_t started = now_ns();  // before the first stat: see recent_change.h
    UniqueFd in(::open(e.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in) return posix_error("cannot open", errno);
    UniqueFd out(::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out) return posix_error("cannot create a staged copy", errno);
    fs::FileInfo before, after;
    fs::fstat_info(in.get(), before);
    uint64_t done = 0;
    bool ok = fs::copy_contents(in.get(), out.get(), done);
    fs::fstat_info(in.get(), after);
    in.reset();
    out.reset();
    // A source changed just before the copy may have changed during it unseen
    // (recent_change.h): wait past the window and copy again; that copy, of a
    // file that has held still since, is proof.
    bool proof = !changed_recently(after, started);
    if (!proof) std::this_thread::sleep_for(kRecentChangeWindow);
    if (proof && ok && before.size == after.size && done == after.size && before.mtime_ns == after.mtime_ns && before.ctime_ns == after.ctime_ns) {
      auto fresh = stat_entry(e.path);
      if (!fresh) break;
      if (fresh->mtime_ns == after.mtime_ns && fresh->size == after.size) {
        e = std::move(*fresh);
        return copy;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
  }
  ::unlink(copy.c_str());
  return make_error(ErrorKind::Io, fmt::format("it kept changing even while being copied aside ({} attempts); not stored", attempts))
      .because(Cause::Unstable);
}

void StagingArea::release(const std::string& staged_path) { ::unlink(staged_path.c_str()); }

}  // namespace gb
