// Ending on a signal without leaving a lock behind. SIGINT, SIGTERM and
// SIGHUP are blocked in every thread (the mask is set before any thread
// starts, and threads inherit it) and received by one dedicated thread with
// sigwait, so nothing runs in signal-handler context: that thread removes
// this process's lock objects through the backend, prints one line and
// _exit()s with 128 + the signal (130, 143, 129). What is stored stays
// consistent as after kill -9: puts are atomic and nothing refers to an
// object before it is stored (docs/FORMAT.md). A second signal while the
// locks are being removed ends the process at once.
//
// SIGPIPE is ignored: a write to a closed pipe fails with EPIPE instead.
// Commands that stream output (ls, find, diff, snapshots) stop when
// stdout_closed() says so, and main exits 141 (128 + SIGPIPE) silently, as
// `ls | head` would.
#pragma once
#include <functional>

namespace gb {

// Call once, first thing in main, before any thread exists.
void install_interrupt_handling();
// Work to do before a signal ends the process (the service stops the agent
// it started and tells systemd it stops): run on the signal thread after the
// locks are released, before _exit. One hook; a later call replaces it.
void on_interrupt(std::function<void()> hook);
// True once a write to stdout failed because its reader went away (EPIPE).
bool stdout_closed();

}  // namespace gb
