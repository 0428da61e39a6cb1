#include "core/journal/cookie_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "core/common/posix_error.h"
#include "core/journal/slice_plan.h"

namespace gb {

Result<int64_t> sync_with_agent(ChangeJournal& journal, const std::vector<std::string>& roots, std::chrono::milliseconds timeout) {
  static std::atomic<uint64_t> counter{0};
  GB_ASSIGN(int64_t start, journal.last_seq());
  std::vector<std::string> cookies;
  auto remove_all = [&] {
    for (const auto& c : cookies) ::unlink(c.c_str());
  };
  for (const auto& root : roots) {
    std::string path = fmt::format("{}/{}{}-{}", root == "/" ? "" : root, kCookiePrefix, ::getpid(), counter++);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      int err = errno;
      remove_all();
      return posix_error(fmt::format("cannot write a cookie file in {} to synchronise with the agent", root), err);
    }
    ::close(fd);
    cookies.push_back(path);
  }
  int64_t cut = start;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  auto retry_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (size_t i = 0; i < cookies.size();) {
    GB_ASSIGN(auto seen, journal.find_created(start, cookies[i]));
    if (seen) {
      cut = std::max(cut, *seen);
      ++i;
      retry_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      continue;
    }
    // A cookie created while the kernel's queue is full is lost with the
    // overflow; a new one each second gets through once the agent drains it.
    if (std::chrono::steady_clock::now() > retry_at) {
      std::string again = fmt::format("{}/{}{}-{}", roots[i] == "/" ? "" : roots[i], kCookiePrefix, ::getpid(), counter++);
      int fd = ::open(again.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        ::unlink(cookies[i].c_str());
        cookies[i] = again;
      }
      retry_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      remove_all();
      return make_error(ErrorKind::Io,
                        fmt::format("the change-journal agent did not see a cookie file in {} within {} ms", roots[i], timeout.count()));
    }
    std::this_thread::sleep_for(pause);
    // The lookup is one index probe: polling often costs little and every
    // millisecond of waiting is on the backup's clock.
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
  remove_all();
  return cut;
}

}  // namespace gb
