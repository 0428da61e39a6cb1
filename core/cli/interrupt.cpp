#include "core/cli/interrupt.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/repository/repository_lock.h"

namespace gb {
namespace {

std::mutex hook_mutex;
std::function<void()> interrupt_hook;

void run_interrupt_hook() {
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> hold(hook_mutex);
    hook = interrupt_hook;
  }
  if (hook) hook();
}

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void say(const char* text) {
  // A progress line may be on the terminal: start a fresh line there.
  if (::isatty(STDERR_FILENO)) (void)!::write(STDERR_FILENO, "\n", 1);
  (void)!::write(STDERR_FILENO, text, std::strlen(text));
}

[[noreturn]] void watch_signals() {
  sigset_t set = interrupt_signals();
  int sig = 0;
  while (::sigwait(&set, &sig) != 0) {}
  // Remove the locks on another thread, so that a second signal (or a
  // backend that hangs for 20 s) still ends the process.
  std::thread([sig] {
    size_t n = release_all_locks_now();
    run_interrupt_hook();
    say(n ? "gridbackup: interrupted; lock released\n" : "gridbackup: interrupted\n");
    ::_exit(128 + sig);
  }).detach();
  struct timespec limit = {20, 0};
  int again = ::sigtimedwait(&set, nullptr, &limit);
  say(again > 0 ? "gridbackup: interrupted again; its lock may be left ('gridbackup unlock' removes it)\n"
                : "gridbackup: interrupted; the lock could not be removed in 20 s ('gridbackup unlock' removes it)\n");
  ::_exit(128 + sig);
}

}  // namespace

void install_interrupt_handling() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set = interrupt_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(watch_signals).detach();
}

void on_interrupt(std::function<void()> hook) {
  std::lock_guard<std::mutex> hold(hook_mutex);
  interrupt_hook = std::move(hook);
}

bool stdout_closed() {
  if (!std::ferror(stdout)) return false;
  if (errno == EPIPE) return true;
  // errno may have been reused since the failed write: a pipe whose reader
  // left shows POLLERR on its write end.
  struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

}  // namespace gb
