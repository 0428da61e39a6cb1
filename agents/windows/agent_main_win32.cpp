// gridbackup-usn-agent: the Windows agent's command line.
//   run [--console] [--once] [--volume C:] [--state DIR] [--record FILE]
//                                            in the foreground (--console: log to stderr too)
//   service [--volume C:] [--state DIR]      what the service manager starts
//   install [--volume C:] [--state DIR]      registers the service (administrator)
//   uninstall
// Exit codes: 0 done, 1 failed (the message says why), 2 bad arguments,
// 3 (--once) the journal is not available: a full scan was requested.
#include <windows.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include "agents/windows/service_win32.h"
#include "agents/windows/usn_reader_win32.h"

namespace gb {
namespace {

struct Args {
  std::string command, volume = "C:\\", state, record;
  bool console = false, once = false;
};

const char kUsage[] =
    "usage: gridbackup-usn-agent run [--console] [--once] [--volume C:] [--state DIR] [--record FILE]\n"
    "       gridbackup-usn-agent install [--volume C:] [--state DIR] | uninstall\n";

std::string default_state_dir() {
  wchar_t buf[MAX_PATH];
  DWORD n = GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  std::string base = n && n < MAX_PATH ? narrow(std::wstring(buf, n)) : "C:\\ProgramData";
  return base + "\\GridBackup\\usn-agent";
}

bool parse(int argc, wchar_t** argv, Args& a) {
  if (argc < 2) return false;
  a.command = narrow(argv[1]);
  for (int i = 2; i < argc; ++i) {
    std::string arg = narrow(argv[i]);
    auto value = [&](std::string& out) { return i + 1 < argc ? (out = narrow(argv[++i]), true) : false; };
    if (arg == "--console")
      a.console = true;
    else if (arg == "--once")
      a.once = true;
    else if (arg == "--volume" && value(a.volume)) {
      if (a.volume.size() < 2 || a.volume[1] != ':') return false;
      a.volume = a.volume.substr(0, 2) + "\\";
    } else if (arg == "--state" && value(a.state)) {
    } else if (arg == "--record" && value(a.record)) {
    } else
      return false;
  }
  if (a.state.empty()) a.state = default_state_dir();
  return a.command == "run" || a.command == "service" || a.command == "install" || a.command == "uninstall";
}

// Appends timestamped lines to <state>\agent.log (and stderr on a console):
// a service has no terminal, and the file survives for a bug report.
class FileLog {
 public:
  FileLog(const std::string& path, bool console) : console_(console) { file_ = std::fopen(path.c_str(), "a"); }
  ~FileLog() {
    if (file_) std::fclose(file_);
  }
  void operator()(const std::string& line) {
    std::lock_guard lock(mu_);
    std::time_t t = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    if (file_) std::fprintf(file_, "%s %s\n", stamp, line.c_str()), std::fflush(file_);
    if (console_) std::fprintf(stderr, "gridbackup-usn-agent: %s\n", line.c_str());
  }

 private:
  std::FILE* file_;
  bool console_;
  std::mutex mu_;
};

// The agent until `stop`; with `once`, until the journal has nothing new.
int run_agent(const Args& a, const std::atomic<bool>& stop, FileLog& log) {
  Win32UsnJournal journal(a.volume);
  std::string letter = a.volume.substr(0, 1);
  UsnAgentOptions o;
  o.volume = a.volume;
  o.fs_id = journal.serial();
  o.cursor_path = a.state + "\\" + letter + ".usn-cursor";
  o.spool_dir = a.state + "\\spool";
  o.record_path = a.record;
  UsnAgent agent(journal, o, [&](const std::string& s) { log(s); });
  if (Status opened = agent.open(); !opened) {
    log(opened.error().message);
    return 1;
  }
  log("watching " + a.volume + " (volume serial " + (o.fs_id.empty() ? "unknown" : o.fs_id) + "), spool " + o.spool_dir);
  // At least one poll, even when a stop comes at once: the start decision
  // (resume, or a full scan) reaches the spool before the agent stops.
  do {
    switch (agent.poll()) {
      case UsnAgent::Step::Failed:
        return 1;
      case UsnAgent::Step::Unavailable:
        if (a.once) return 3;
        // Check again every minute: a journal can be created (fsutil usn createjournal).
        for (int i = 0; i < 600 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        break;
      case UsnAgent::Step::Idle:
        if (a.once) return 0;
        // The read already waited (up to 2 s) for new records; this only
        // guards against a driver that returns at once.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        break;
      case UsnAgent::Step::Progress:
        break;
    }
  } while (!stop);
  log("stopped");
  return 0;
}

std::atomic<bool> g_console_stop{false};
BOOL WINAPI on_console_ctrl(DWORD) {
  g_console_stop = true;
  return TRUE;
}

}  // namespace
}  // namespace gb

int wmain(int argc, wchar_t** argv) {
  using namespace gb;
  Args a;
  if (!parse(argc, argv, a)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string error;
  if (a.command == "uninstall") {
    if (!uninstall_service(error)) return std::fprintf(stderr, "gridbackup-usn-agent: %s\n", error.c_str()), 1;
    return 0;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.state, ec);
  if (a.command == "install") {
    wchar_t exe[MAX_PATH];
    GetModuleFileNameW(nullptr, exe, MAX_PATH);
    std::wstring cmd = L"\"" + std::wstring(exe) + L"\" service --volume " + widen(a.volume.substr(0, 2)) + L" --state \"" + widen(a.state) + L"\"";
    if (!install_service(cmd, error)) return std::fprintf(stderr, "gridbackup-usn-agent: %s\n", error.c_str()), 1;
    return 0;
  }
  FileLog log(a.state + "\\agent.log", a.console);  // run --console: also on stderr
  if (a.command == "service") {
    int rc = run_as_service([&](const std::atomic<bool>& stop) { return run_agent(a, stop, log); }, error);
    if (!error.empty()) log(error);
    return rc;
  }
  SetConsoleCtrlHandler(on_console_ctrl, TRUE);
  return run_agent(a, g_console_stop, log);
}
