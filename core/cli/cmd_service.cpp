// `gridbackup service run`: the always-on service (README, "The always-on service"). One
// process that keeps the change-journal agent running beside it and runs,
// on a schedule, the very commands a person would type: backup (a narrow
// slice when the journal holds changes, a full scan where there is no
// journal, the weekly audit), upload (by the bandwidth schedule, paused on
// battery), forget (retention), prune and verify. Each job calls the
// command's own function with a command line built here, so there is one
// code path and the repository locks keep the CLI working beside it.
// Crash-only: the schedule lives in the state dir (service_state.h).
// Under systemd (Type=notify) it says READY=1 once the agent runs and the
// jobs are scheduled, keeps a one-line STATUS= and pings the watchdog
// (agents/linux/systemd_notify.h); SIGTERM stops the agent it started.
#include <fmt/format.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "agents/linux/agent_daemon.h"
#include "agents/linux/service_install.h"
#include "agents/linux/systemd_notify.h"

#include "core/backup/own_files.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/interrupt.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/cli/service_control_command.h"
#include "core/cli/service_health.h"
#include "core/cli/service_status_report.h"
#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/common/number_text.h"
#include "core/common/private_files.h"
#include "core/fs/file_system.h"
#include "core/journal/change_journal.h"
#include "core/journal/slice_plan.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/service/control_socket.h"
#include "core/service/grid_return.h"
#include "core/service/metered_network.h"
#include "core/service/power_supply.h"
#include "core/service/service_control.h"
#include "core/service/service_state.h"
#include "core/service/upload_schedule.h"

extern char** environ;

namespace gb {
namespace {

constexpr const char* kServiceUsage = R"(Usage: gridbackup service COMMAND [OPTIONS]

  run [--user] ROOT...
              run the always-on service in the foreground (systemd runs it so):
              keeps the change-journal agent running, snapshots the ROOTs every
              --snapshot-interval when the journal holds changes (a full scan
              every --full-scan-interval where there is no journal; an audit
              weekly; the contents of cache directories, those holding a
              CACHEDIR.TAG, left out unless --no-exclude-caches), uploads
              continuously by the --upload-limit schedule (paused on
              battery and on a metered connection), and daily forget,
              weekly prune, a daily verify reading the next 1/--verify-days
              of the packs (all in 30 days), and a grid repair when a member
              that was down answers again. The schedule is kept in the state
              dir: a restart after
              kill -9 resumes it. Without --user it is the system's service
              (state dir /var/lib/gridbackup unless --state-dir says). Under
              systemd (NOTIFY_SOCKET) it sends READY=1, a STATUS= line and
              watchdog pings; SIGTERM stops the agent it started. It judges
              its health (OK, WARNING, FAILING, with reasons) every
              --health-interval and after each job, runs --on-warning or
              --on-failure when it changes into that level (--user: a
              desktop notification too) and writes Prometheus metrics to
              --metrics-file (and --metrics-listen).
  status [--user] [--json]
              the health and its reasons, whether the service and the agent
              run, whether uploads are paused and why (a user's pause: by whom, until
              when), and the last run of each job (from the state dir's
              schedule)
  pause [--for DURATION] [--user] [--json]
              the running service holds uploads and upkeep (forget, prune,
              verify) until `service resume`, or for DURATION (e.g. 2h);
              snapshots go on, their content queued; a running upload stops
              before its next file. Kept in the state dir: a restart (even
              after kill -9) stays paused
  resume [--user] [--json]
              ends a pause from `service pause` (a pause for battery or the
              upload-limit schedule ends by itself)
  backup-now [--user] [--json]
              a snapshot at once, even before the interval and with no change
              in the journal (kept in the state dir until it is taken)
  upload-now [--user] [--json]
              an upload at once instead of after the one-minute retry wait; a
              pause still wins: the upload starts when it ends
              These four talk to `service run` over STATEDIR/control.sock
              (mode 0600): only root and the user the service runs as may.
  install [--user] [--force] [--unit-dir DIR] [--no-start] [RUN OPTIONS] ROOT...
              write the systemd unit (/etc/systemd/system/gridbackup.service;
              --user: ~/.config/systemd/user) that runs this installed binary's
              `service run` with the RUN OPTIONS, the cap file and the ROOTs
              (Type=notify, a watchdog, sandboxed), then enable and start it
              unless --no-start; a binary in a build tree needs --force
  uninstall [--user] [--unit-dir DIR] [--no-start]
              stop and remove the unit

upload-limit entries: "WHEN = RATE", first match wins, none: unlimited.
  WHEN: * | DAYS | DAYS HH:MM-HH:MM | HH:MM-HH:MM   (DAYS: Mon-Fri, Sat,Sun, ...)
  RATE: unlimited | paused | NUMBER UNIT/s          (UNIT: B KiB MiB GiB KB MB GB)
  e.g. --upload-limit "Mon-Fri 08:00-23:00 = 1MiB/s" --upload-limit "* = unlimited"
)";

// The service's settings, defaults as README ("The always-on service") lists them.
struct ServiceSettings {
  std::vector<std::string> roots;
  bool run_agent = true;
  // A whole-machine backup leaves out the contents of cache directories
  // (CACHEDIR.TAG: browsers', restic's, borg's, cargo's ...), as backup
  // --exclude-caches does; --no-exclude-caches keeps them.
  bool exclude_caches = true;
  int64_t snapshot_interval_ns = 15LL * 60 * 1000000000;
  int64_t full_scan_interval_ns = 6LL * 3600 * 1000000000;
  int64_t audit_interval_ns = 7LL * 86400 * 1000000000;
  int64_t upload_interval_ns = 60LL * 1000000000;  // a retry of a failed or paused upload
  int64_t forget_interval_ns = 86400LL * 1000000000;
  int64_t prune_interval_ns = 7LL * 86400 * 1000000000;
  int64_t verify_interval_ns = 86400LL * 1000000000;
  int64_t verify_days = 30;  // each verify reads 1/N of the packs: all of them in N runs
  std::vector<std::string> keep = {"keep-hourly=24", "keep-daily=14", "keep-weekly=8", "keep-monthly=24"};
  UploadSchedule upload_limit;
  std::string power_supply_root = kLinuxPowerSupplyRoot;
  bool pause_on_battery = true;
  MeteredSetting metered = MeteredSetting::Auto;
  HealthSettings health;
};

Result<ServiceSettings> service_settings(const CommandLine& cl) {
  ServiceSettings s;
  s.roots = cl.args;
  if (s.roots.empty()) return make_error(ErrorKind::InvalidArgument, "service run needs at least one ROOT to back up");
  for (auto& r : s.roots) r = absolute_normal(r);
  s.run_agent = !cl.flag("no-agent");
  s.exclude_caches = !cl.flag("no-exclude-caches");
  GB_ASSIGN(s.snapshot_interval_ns, interval_option(cl, "snapshot-interval", s.snapshot_interval_ns));
  GB_ASSIGN(s.full_scan_interval_ns, interval_option(cl, "full-scan-interval", s.full_scan_interval_ns));
  GB_ASSIGN(s.audit_interval_ns, interval_option(cl, "audit-interval", s.audit_interval_ns));
  GB_ASSIGN(s.forget_interval_ns, interval_option(cl, "forget-interval", s.forget_interval_ns));
  GB_ASSIGN(s.prune_interval_ns, interval_option(cl, "prune-interval", s.prune_interval_ns));
  GB_ASSIGN(s.verify_interval_ns, interval_option(cl, "verify-interval", s.verify_interval_ns));
  if (auto v = cl.value("verify-days")) {
    auto n = parse_uint(*v, 10000);
    if (!n || *n == 0) return make_error(ErrorKind::InvalidArgument, fmt::format("--verify-days wants a whole number from 1 to 10000, not '{}'", *v));
    s.verify_days = static_cast<int64_t>(*n);
  }
  GB_ASSIGN(s.upload_limit, UploadSchedule::parse(cl.all("upload-limit")));
  if (auto v = cl.value("power-supply-root")) s.power_supply_root = *v;
  if (auto v = cl.value("on-battery")) {
    if (*v != "pause" && *v != "upload")
      return make_error(ErrorKind::InvalidArgument, fmt::format("--on-battery wants pause or upload, not '{}'", *v));
    s.pause_on_battery = *v == "pause";
  }
  if (auto v = cl.value("metered")) {
    auto m = parse_metered_setting(*v);
    if (!m) return make_error(ErrorKind::InvalidArgument, "--" + m.error().message);
    s.metered = *m;
  }
  GB_ASSIGN(s.health, health_settings(cl));
  return s;
}

// Syslog priorities (sd-daemon.h's SD_ERR .. SD_INFO).
constexpr int kError = 3, kWarning = 4, kNotice = 5, kInfo = 6;

// One line of the service's log. Under systemd, whose journal reads our
// stdout (it sets JOURNAL_STREAM), a "<N>" prefix gives the line its
// priority, so `journalctl -p warning -u gridbackup` shows what went wrong.
void say(const std::string& line, int priority = kInfo) {
  static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  if (journal)
    std::printf("<%d>gridbackup service: %s\n", priority, line.c_str());
  else
    std::printf("gridbackup service: %s\n", line.c_str());
  std::fflush(stdout);
}

class Service {
 public:
  Service(const CommandLine& cl, ServiceSettings settings, LocalState state, std::unique_ptr<ServiceState> schedule)
      : cl_(cl), s_(std::move(settings)), state_(std::move(state)), schedule_(std::move(schedule)), metered_(s_.metered) {}

  [[noreturn]] void run() {
    start_control();
    say(fmt::format("started; state dir {}, roots {}", state_.dir(), fmt::join(s_.roots, " ")));
    start_health();
    adopt_agent();
    // SIGTERM (systemctl stop) or ^C: the agent this service started stops
    // with it, and systemd hears that the service is stopping.
    on_interrupt([this] {
      notifier_.stopping();
      stop_agent();
    });
    if (auto last = schedule_->last("snapshot"); last && *last) live_.last_snapshot_ns = (*last)->finished_ns;
    live_.heartbeat_ns = monotonic_ns();
    if (s_.run_agent) keep_agent_running();
    if (notifier_.active()) {
      notifier_.ready(status_line());
      std::thread([this] { notify_loop(); }).detach();
      if (notifier_.watchdog_usec()) std::thread([this] { watchdog_loop(); }).detach();
      std::thread([this] { find_queue(); }).detach();
    }
    for (;;) {
      live_.heartbeat_ns = monotonic_ns();
      reap_children();
      if (s_.run_agent) keep_agent_running();
      snapshot_if_due();
      upload_if_due();
      run_if_due("forget", s_.forget_interval_ns, [&] { return forget(); });
      run_if_due("prune", s_.prune_interval_ns, [&] { return cmd_prune(sub("prune", true)); });
      run_if_due("verify", s_.verify_interval_ns, [&] { return verify_slice(); });
      grid_repair_if_due();
      std::this_thread::sleep_for(tick());
    }
  }

 private:
  // The health thread (service_health.h); a --metrics-listen that cannot be
  // bound ends the service at start with one sentence.
  void start_health() {
    health_ = std::make_unique<HealthMonitor>(cl_, s_.health, state_, [](const std::string& line, int priority) { say(line, priority); });
    if (Status st = health_->start(); !st) std::exit(report_error(st.error()));
  }

  // A command line for one job: the service's repository, cap and state dir.
  CommandLine sub(const std::string& command, bool stores) const {
    CommandLine c;
    c.command = command;
    c.stores = stores;
    c.scheduled = true;
    for (const char* name : {"repo", "cap-file", "cap", "host"})
      if (auto v = cl_.value(name)) c.values[name] = {*v};
    c.values["state-dir"] = {state_.dir()};
    c.flags["quiet"] = true;
    c.flags["no-progress"] = true;
    return c;
  }

  std::chrono::milliseconds tick() const {
    int64_t ms = std::min<int64_t>(1000, s_.snapshot_interval_ns / 4000000);
    return std::chrono::milliseconds(std::max<int64_t>(ms, 50));
  }

  void reap_children() {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
  }

  // The pid of the agent that runs for this state dir, as its journal says.
  int64_t journal_agent_pid() const {
    auto j = state_.existing_journal();
    if (!j) return 0;
    auto info = (*j)->agent();
    return info && *info ? (*info)->pid : 0;
  }

  // After a restart (kill -9 of the service leaves its agent running), the
  // agent an earlier run of this service started is still ours to stop: the
  // pid recorded in service.db is the one the journal's running agent has.
  // An agent something else started (the agent-only unit) is left alone.
  void adopt_agent() {
    auto stored = schedule_->value("agent_pid");
    if (!stored || !*stored || !state_.agent_running()) return;
    int64_t pid = std::atoll((*stored)->c_str());
    if (pid > 0 && pid == journal_agent_pid()) agent_pid_ = static_cast<pid_t>(pid);
  }

  // SIGTERM to the agent this service started, then a wait (10 s at most)
  // for its lock to go: it ends its last batch and exits.
  void stop_agent() {
    pid_t pid = agent_pid_.exchange(0);
    if (pid <= 0 || !state_.agent_running()) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 200 && state_.agent_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (state_.agent_running()) ::kill(pid, SIGKILL);
    (void)::waitpid(pid, nullptr, WNOHANG);
  }

  // The environment without the notify protocol's variables: the agent is
  // not the one systemd waits to hear from.
  static std::vector<char*> child_environment() {
    std::vector<char*> env;
    for (char** e = environ; *e; ++e) {
      bool notify = false;
      for (const char* name : kNotifyEnvironment) {
        size_t n = std::strlen(name);
        notify = notify || (std::strncmp(*e, name, n) == 0 && (*e)[n] == '=');
      }
      if (!notify) env.push_back(*e);
    }
    env.push_back(nullptr);
    return env;
  }

  // A job runs now: the watchdog is fed while it does (a long upload is
  // not a hang), and STATUS says so.
  template <typename Job>
  int as_job(const std::string& name, Job job) {
    {
      std::lock_guard<std::mutex> hold(live_.mutex);
      live_.job = name;
    }
    int code = job();
#if defined(__GLIBC__)
    // A job's peak (a full scan's entries, an audit) is freed when it ends,
    // but glibc keeps the freed heap for reuse; between jobs the service
    // idles for minutes, so it hands the memory back (scripts/bench service).
    ::malloc_trim(0);
#endif
    std::lock_guard<std::mutex> hold(live_.mutex);
    live_.job.clear();
    return code;
  }

  // The STATUS= line: "last snapshot 3 min ago, 120.00 MiB queued,
  // uploading at 512.00 KiB/s", from what service status also knows (the
  // schedule, why uploads wait) and the upload queue.
  std::string status_line() {
    std::lock_guard<std::mutex> hold(live_.mutex);
    std::vector<std::string> parts;
    if (live_.job == "snapshot")
      parts.push_back("taking a snapshot");
    else if (live_.last_snapshot_ns)
      parts.push_back("last snapshot " + ago_text((now_ns() - live_.last_snapshot_ns) / 1000000000));
    else
      parts.push_back("no snapshot yet");
    if (live_.queued_bytes) parts.push_back(*live_.queued_bytes ? human_bytes(*live_.queued_bytes) + " queued" : "nothing queued");
    if (!live_.paused.empty())
      parts.push_back("uploads paused: " + live_.paused);
    else if (live_.job == "upload")
      parts.push_back(live_.rate > 0 ? fmt::format("uploading at {}/s", human_bytes(static_cast<uint64_t>(live_.rate))) : "uploading");
    else if (!live_.job.empty())
      parts.push_back("running " + live_.job);
    if (std::string health = health_ ? health_->summary() : ""; !health.empty()) parts.push_back(health);
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  // The watchdog's thread, apart from the queue's SQLite (which may wait for
  // a writer's lock): WATCHDOG=1 three times an interval while the loop
  // ticks or a job runs.
  void watchdog_loop() {
    int64_t watchdog_ns = static_cast<int64_t>(notifier_.watchdog_usec() * 1000);
    auto pause = std::chrono::milliseconds(std::clamp<int64_t>(watchdog_ns / 3000000, 10, 1000));
    for (;;) {
      bool job;
      {
        std::lock_guard<std::mutex> hold(live_.mutex);
        job = !live_.job.empty();
      }
      if (job || monotonic_ns() - live_.heartbeat_ns < watchdog_ns) notifier_.watchdog();
      std::this_thread::sleep_for(pause);
    }
  }

  // The notify thread: STATUS= when the line changes, with the queue's bytes
  // and the upload rate measured from them (every 5 s).
  void notify_loop() {
    auto pause = std::chrono::seconds(1);
    std::unique_ptr<UploadQueue> queue;
    std::deque<std::pair<int64_t, uint64_t>> samples;  // (monotonic ns, queued bytes) while an upload runs
    int64_t next_queue_read = 0;
    for (;;) {
      int64_t now = monotonic_ns();
      std::string queue_path, job;
      {
        std::lock_guard<std::mutex> hold(live_.mutex);
        queue_path = live_.queue_path;
        job = live_.job;
      }
      if (!queue && !queue_path.empty()) {
        auto q = UploadQueue::open(queue_path);
        if (q) queue = std::move(*q);
      }
      if (queue && now >= next_queue_read) {
        next_queue_read = now + 5LL * 1000000000;
        if (auto st = queue->stats()) {
          if (job == "upload") {
            samples.emplace_back(now, st->bytes);
            while (samples.size() > 1 && now - samples.front().first > 30LL * 1000000000) samples.pop_front();
          } else {
            samples.clear();
          }
          double rate = 0;
          if (samples.size() > 1 && samples.front().second > samples.back().second)
            rate = static_cast<double>(samples.front().second - samples.back().second) * 1e9 /
                   static_cast<double>(samples.back().first - samples.front().first);
          std::lock_guard<std::mutex> hold(live_.mutex);
          live_.queued_bytes = st->bytes;
          live_.rate = rate;
        }
      }
      notifier_.status(status_line());
      std::this_thread::sleep_for(pause);
    }
  }

  // Which upload queue is this service's: its repository's id names it.
  // Opening the repository may wait for the network, so this runs on a
  // thread of its own, once a minute until it succeeds.
  void find_queue() {
    for (;;) {
      auto repo = open_repository(sub("status", false), false);
      if (repo) {
        std::string path = state_.repository_dir(**repo) + "/queue.db";
        std::lock_guard<std::mutex> hold(live_.mutex);
        live_.queue_path = path;
        return;
      }
      std::this_thread::sleep_for(std::chrono::seconds(60));
    }
  }

  // The agent runs as a child process (`gridbackup agent run`): it takes its
  // own signals and its own lock, and a service restarted after kill -9
  // finds it still running and simply goes on using it.
  void keep_agent_running() {
    if (state_.agent_running()) return;
    int64_t now = monotonic_ns();
    if (now < next_agent_start_ns_) return;
    next_agent_start_ns_ = now + 30LL * 1000000000;
    std::string exe = fs::executable_path();
    std::vector<std::string> argv = {exe, "agent", "run", "--state-dir", state_.dir()};
    argv.insert(argv.end(), s_.roots.begin(), s_.roots.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    std::vector<char*> env = child_environment();
    if (int rc = ::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, args.data(), env.data()); rc != 0) {
      say(fmt::format("cannot start the change-journal agent: {}; snapshots scan in full", std::strerror(rc)), kWarning);
      return;
    }
    // Its start record is what makes the first snapshot's journal usable.
    for (int i = 0; i < 200 && !state_.agent_running(); ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        say("the change-journal agent exited at start (see its message above); snapshots scan in full until it runs", kWarning);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    agent_pid_ = pid;
    (void)schedule_->set_value("agent_pid", std::to_string(pid));
    say(fmt::format("change-journal agent started (pid {})", pid));
  }

  // The change journal's last seq, and whether it holds a change after
  // `after` that is not a backup's own cookie file.
  std::optional<int64_t> journal_seq() const {
    auto j = state_.existing_journal();
    if (!j) return std::nullopt;
    auto seq = (*j)->last_seq();
    return seq ? std::optional<int64_t>(*seq) : std::nullopt;
  }
  bool journal_has_changes(int64_t after) const {
    auto j = state_.existing_journal();
    if (!j) return true;
    for (;;) {
      auto rows = (*j)->read_since(after, 1000);
      if (!rows) return true;  // an unreadable journal: a snapshot finds out more than guessing
      if (rows->empty()) return false;
      for (const auto& row : *rows) {
        const std::string& p = row.record.path;
        size_t slash = p.rfind('/');
        if (p.compare(slash == std::string::npos ? 0 : slash + 1, kCookiePrefix.size(), kCookiePrefix) != 0) return true;
      }
      after = rows->back().seq;
    }
  }

  void snapshot_if_due() {
    int64_t now = now_ns();
    auto last = schedule_->last("snapshot");
    if (!last) return say(last.error().message, kError);
    bool journal = s_.run_agent && state_.agent_running();
    bool audit = false;
    if (journal) {
      auto last_audit = schedule_->last("audit");
      audit = last_audit && job_due(*last_audit, now, s_.audit_interval_ns) && *last;
    }
    bool due;
    if (!*last || audit)
      due = true;
    else if (journal)
      due = job_due(*last, now, s_.snapshot_interval_ns) && journal_has_changes((*last)->journal_seq);
    else
      due = job_due(*last, now, s_.full_scan_interval_ns);
    const int64_t asked = control_->snapshot_asked();  // service backup-now
    if (!due && !asked) return;
    if (asked && !due) say("a snapshot asked for (service backup-now)");
    int64_t seq = journal_seq().value_or(0);
    CommandLine c = sub("backup", true);
    c.args = s_.roots;
    c.flags["no-upload"] = true;
    if (s_.exclude_caches) c.flags["exclude-caches"] = true;
    if (audit) c.flags["audit"] = true;
    int64_t started = monotonic_ns();
    int code = as_job("snapshot", [&] { return cmd_backup(c); });
    if (code == kExitOk) {
      std::lock_guard<std::mutex> hold(live_.mutex);
      live_.last_snapshot_ns = now_ns();
    }
    say(fmt::format("{} {}",
                    audit     ? "audit snapshot"
                    : journal ? "snapshot"
                              : "full-scan snapshot",
                    // How long it took: a narrow slice's commit time, which the benchmark reads.
                    code == kExitOk ? fmt::format("saved in {:.2f} s", static_cast<double>(monotonic_ns() - started) / 1e9)
                                    : fmt::format("ended with exit code {}", code)),
        code == kExitOk ? kInfo : kWarning);
    record("snapshot", code, seq);
    if (audit || !journal) record("audit", code, seq);
    if (Status st = control_->snapshot_served(asked); !st) say(st.error().message, kError);
    upload_wanted_ = true;
  }

  // Why uploads wait now, or "" when they may run.
  std::string pause_reason(UploadLimit& limit) {
    if (s_.pause_on_battery) {
      PowerState power = read_power_state(s_.power_supply_root);
      if (power.on_battery) return power.reason;
    }
    MeteredState network = metered_.now();
    if (network.problem != metered_problem_) {
      if (!network.problem.empty()) say(network.problem, kWarning);
      metered_problem_ = network.problem;
    }
    if (network.metered) return network.reason;
    limit = s_.upload_limit.now();
    if (limit.paused) return fmt::format("the upload-limit schedule says paused ('{}')", limit.entry);
    return "";
  }

  void upload_if_due() {
    UploadLimit limit;
    std::string why = with_user_pause(pause_reason(limit));
    if (why != paused_for_) {
      say(why.empty() ? "uploads resumed" : fmt::format("uploads paused: {}", why), kNotice);
      paused_for_ = why;
      std::lock_guard<std::mutex> hold(live_.mutex);
      live_.paused = why;
      (void)schedule_->set_value("paused", why);
    }
    if (!why.empty()) return;
    auto last = schedule_->last("upload");
    if (!last) return say(last.error().message, kError);
    const int64_t asked = control_->upload_asked();  // service upload-now
    // A failed upload is tried again in a minute. After one that succeeded
    // only a snapshot (or upload-now) brings more to send, so the retry is a
    // sweep each snapshot interval (for a CLI `backup --no-upload` beside
    // it): an upload opens the repository, which every minute would cost an
    // idle service its memory and CPU (scripts/bench service).
    const int64_t retry_ns =
        *last && (*last)->exit_code == kExitOk ? std::max(s_.upload_interval_ns, s_.snapshot_interval_ns) : s_.upload_interval_ns;
    if (!upload_wanted_ && !asked && !job_due(*last, now_ns(), retry_ns)) return;
    CommandLine c = sub("upload", true);
    c.keep_going = [this] { return keep_uploading(); };
    if (limit.bytes_per_second != kUnlimitedRate) c.values["limit-upload"] = {std::to_string(std::max<uint64_t>(1, limit.bytes_per_second / 1024))};
    int code = as_job("upload", [&] { return cmd_upload(c); });
    if (code != kExitOk) say(fmt::format("upload ended with exit code {}; tried again in a minute", code), kWarning);
    record("upload", code, 0);
    control_->upload_served(asked);
    upload_wanted_ = upload_cut_short();
  }

  int forget() {
    CommandLine c = sub("forget", true);
    for (const auto& k : s_.keep) {
      size_t eq = k.find('=');
      c.values[k.substr(0, eq)] = {k.substr(eq + 1)};
    }
    return cmd_forget(c);
  }

  template <typename Job>
  void run_if_due(const std::string& name, int64_t interval_ns, Job job) {
    auto last = schedule_->last(name);
    if (!last) return say(last.error().message, kError);
    // Upkeep waits for the first snapshot: there is nothing to keep before it.
    auto snap = schedule_->last("snapshot");
    if (!snap || !*snap || !job_due(*last, now_ns(), interval_ns)) return;
    if (control_->user_pause(now_ns())) return;  // a user's pause holds upkeep too: it uses the network
    int code = as_job(name, job);
    say(fmt::format("{} {}", name, code == kExitOk ? "done" : fmt::format("ended with exit code {}", code)), code == kExitOk ? kInfo : kWarning);
    record(name, code, 0);
  }

  // The daily verify reads a slice of the packs (--read-data-subset K/N,
  // N = --verify-days, default 30), the next slice each run, so that all
  // data is read in N runs; the slice to read next is kept in service.db,
  // and a run that did not end clean reads the same slice again.
  int verify_slice() {
    auto stored = schedule_->value("verify_slice");
    int64_t slice = stored && *stored ? std::atoll((*stored)->c_str()) : 1;
    if (slice < 1 || slice > s_.verify_days) slice = 1;
    CommandLine c = sub("verify", false);
    c.values["read-data-subset"] = {fmt::format("{}/{}", slice, s_.verify_days)};
    int code = cmd_verify(c);
    if (code == kExitOk) (void)schedule_->set_value("verify_slice", std::to_string(slice % s_.verify_days + 1));
    say(fmt::format("verify read slice {} of {} of the packs", slice, s_.verify_days));
    return code;
  }

  // A grid member that was down answers again (the health thread's probe
  // says so, core/service/grid_return.h): `grid repair` puts back the
  // shares it missed. A user's pause holds it, as other upkeep.
  void grid_repair_if_due() {
    auto back = grid_members_returned(*schedule_);
    if (!back) return say(back.error().message, kError);
    if (back->empty() || control_->user_pause(now_ns())) return;
    if (int64_t now = monotonic_ns(); now < next_grid_repair_ns_) return;  // a failed repair waits a minute
    say(fmt::format("grid member{} {} answer{} again: grid repair", back->size() == 1 ? "" : "s", fmt::join(*back, ", "),
                    back->size() == 1 ? "s" : ""));
    CommandLine c = sub("grid", true);
    c.args = {"repair"};
    int code = as_job("grid repair", [&] { return cmd_grid(c); });
    say(fmt::format("grid repair {}", code == kExitOk ? "done" : fmt::format("ended with exit code {}; tried again in a minute", code)),
        code == kExitOk ? kInfo : kWarning);
    record("grid-repair", code, 0);
    if (code == kExitOk) {
      if (Status st = grid_repair_done(*schedule_); !st) say(st.error().message, kError);
    } else {
      next_grid_repair_ns_ = monotonic_ns() + 60LL * 1000000000;
    }
  }

  // The control socket (service pause|resume|backup-now|upload-now): its
  // requests are kept in service.db; the loop reads them each tick. A
  // service already running with this state dir is not started twice.
  void start_control() {
    auto control = ServiceControl::open(state_.service_path());
    if (!control) std::exit(report_error(control.error()));
    control_ = std::move(*control);
    auto server = ControlServer::start(
        state_.dir(), [this](const nlohmann::json& request, const ControlPeer& peer) { return control_answer(request, peer); },
        [](const std::string& line) { say(line, kNotice); });
    if (!server) std::exit(report_error(server.error()));
    control_server_ = std::move(*server);
  }

  nlohmann::json control_answer(const nlohmann::json& request, const ControlPeer& peer) {
    nlohmann::json answer = control_->answer(request, peer, now_ns());
    if (!answer.contains("error") && request.value("command", "") != "status")
      say(fmt::format("service {} from {}: {}", request.value("command", ""), peer.user, control_answer_text(answer)), kNotice);
    return answer;
  }

  // The user's pause goes first in why uploads wait; what else holds them
  // (battery, the schedule) is kept for the control answers.
  std::string with_user_pause(const std::string& other) {
    control_->set_other_pause(other);
    auto pause = control_->user_pause(now_ns());
    if (!pause) return other;
    return other.empty() ? user_pause_text(*pause) : user_pause_text(*pause) + "; " + other;
  }

  // Asked by the running upload before each file: a user's pause or a
  // backup-now stops it there (what it has read is stored, the rest waits
  // in the queue), so neither waits for a long upload to end.
  bool keep_uploading() {
    if (control_->user_pause(now_ns()))
      upload_stopped_for_ = "paused by the user";
    else if (control_->snapshot_asked())
      upload_stopped_for_ = "a snapshot was asked for";
    return upload_stopped_for_.empty();
  }
  // Whether the upload just run was stopped so; it goes on as soon as the
  // pause ends or the snapshot is taken.
  bool upload_cut_short() {
    if (upload_stopped_for_.empty()) return false;
    say(fmt::format("upload stopped early ({}); the rest stays queued", upload_stopped_for_), kNotice);
    upload_stopped_for_.clear();
    return true;
  }

  void record(const std::string& job, int code, int64_t seq) {
    if (Status st = schedule_->record(job, {now_ns(), code, seq}); !st) say(st.error().message, kError);
    if (health_) health_->wake();
  }

  const CommandLine& cl_;
  ServiceSettings s_;
  LocalState state_;
  std::unique_ptr<ServiceState> schedule_;
  std::unique_ptr<HealthMonitor> health_;
  int64_t next_agent_start_ns_ = 0;
  int64_t next_grid_repair_ns_ = 0;
  std::atomic<pid_t> agent_pid_{0};  // the agent this service started (or adopted): stopped with it
  SystemdNotifier notifier_;
  // What the notify thread reads (status_line()).
  struct Live {
    std::mutex mutex;
    std::string job;  // the job running now, if any
    int64_t last_snapshot_ns = 0;
    std::string paused;  // why uploads wait
    std::string queue_path;
    std::optional<uint64_t> queued_bytes;
    double rate = 0;  // bytes/s the queue shrank by over the last 30 s of an upload
    std::atomic<int64_t> heartbeat_ns{0};
  } live_;
  bool upload_wanted_ = true;  // a queue left by a service that was killed is drained at start
  std::unique_ptr<ServiceControl> control_;
  std::unique_ptr<ControlServer> control_server_;
  std::string upload_stopped_for_;  // why keep_uploading stopped the running upload ("": it did not)
  std::string paused_for_;
  MeteredNetwork metered_;
  std::string metered_problem_;  // said once, not every tick
};

int service_run(const CommandLine& cl) {
  auto settings = service_settings(cl);
  if (!settings) return report_error(settings.error());
  LocalState state = service_local_state(cl);
  if (Status st = make_private_dir(state.dir()); !st) return report_error(st.error());
  auto schedule = ServiceState::open(state.service_path());
  if (!schedule) return report_error(schedule.error());
  Service(cl, std::move(*settings), std::move(state), std::move(*schedule)).run();
}

// `service install`: the unit runs `service run` with the options given
// here (checked now as `service run` would check them), the cap file (never
// --cap: a unit is readable by every user) and the repository it names.
int service_install_or_uninstall(const CommandLine& cl, bool install) {
  ServiceInstallOptions o;
  o.user = cl.flag("user");
  o.unit_dir = cl.value("unit-dir").value_or(default_service_unit_dir(o.user));
  o.start = !cl.flag("no-start");
  o.force = cl.flag("force");
  std::vector<std::string> said;
  Status done;
  if (install) {
    if (cl.value("cap"))
      return report_error(
          make_error(ErrorKind::InvalidArgument,
                     "service install takes the cap from a file (--cap-file), not --cap, which would put the key in a unit every user can read"));
    if (cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "service install needs at least one ROOT to back up"));
    // A bad --upload-limit or interval is refused now, not at every restart.
    if (auto settings = service_settings(cl); !settings) return report_error(settings.error());
    auto roots = canonical_roots(cl.args);
    if (!roots) return report_error(roots.error());
    o.roots = *roots;
    std::string cap = absolute_normal(cap_file(cl));
    CommandLine c = cl;
    c.values["cap-file"] = {cap};
    auto root_cap = load_cap(c);
    if (!root_cap) return report_error(root_cap.error());
    std::string url = repository_url(c, *root_cap);
    o.run_options = {"--cap-file", cap};
    o.reads = {cap};
    if (url != root_cap->url) o.run_options.insert(o.run_options.end(), {"--repo", url});
    o.writes = local_repository_dirs(url);
    if (auto d = cl.value("state-dir")) {
      o.run_options.insert(o.run_options.end(), {"--state-dir", absolute_normal(*d)});
      o.writes.push_back(absolute_normal(*d));
    }
    for (const char* name : {"host", "snapshot-interval", "full-scan-interval", "audit-interval", "forget-interval", "prune-interval",
                             "verify-interval", "verify-days", "power-supply-root", "on-battery", "metered"})
      if (auto v = cl.value(name); v && !cl.from_config.count(name)) o.run_options.insert(o.run_options.end(), {std::string("--") + name, *v});
    for (const auto& limit : cl.all("upload-limit")) o.run_options.insert(o.run_options.end(), {"--upload-limit", limit});
    if (cl.flag("no-agent")) o.run_options.push_back("--no-agent");
    if (cl.flag("no-exclude-caches")) o.run_options.push_back("--no-exclude-caches");
    if (Status st = health_install_options(cl, o.run_options, o.writes); !st) return report_error(st.error());
    o.writes_roots = !cl.flag("no-agent");
    o.binary = fs::executable_path();
    if (o.binary.empty()) return report_error(make_error(ErrorKind::Io, "cannot tell where this gridbackup binary is, so no unit can name it"));
    done = install_service(o, said);
  } else {
    done = uninstall_service(o, said);
  }
  for (const auto& line : said) std::printf("%s\n", line.c_str());
  return done ? kExitOk : report_error(done.error());
}

// What the schedule says (service_status_report.h).
int service_status(const CommandLine& cl) {
  auto report = read_service_status(service_local_state(cl));
  if (!report) return report_error(report.error());
  ServiceStatusReport& r = *report;
  if (cl.flag("json")) {
    auto out = service_status_json(r);
    if (!out) return report_error(out.error());
    std::printf("%s\n", json_text(*out).c_str());
    return kExitOk;
  }
  auto lines = health_status_lines(*r.schedule);
  if (!lines) return report_error(lines.error());
  for (const auto& line : *lines) std::printf("%s\n", line.c_str());
  std::printf("service: %s\n", r.running ? "running" : "not running (what follows is from its last run)");
  std::printf("agent: %s\n", r.agent_running ? "running" : "not running");
  std::printf("uploads: %s\n", !r.paused_for.empty() ? ("paused: " + r.paused_for).c_str() : "running");
  if (r.user_pause)
    std::printf("user pause: %s (since %s; uploads and upkeep wait)\n", user_pause_text(*r.user_pause).c_str(),
                local_time_text(r.user_pause->since_ns).c_str());
  for (const auto& [job, last] : r.jobs) {
    if (!last) {
      std::printf("%s: never\n", job.c_str());
      continue;
    }
    int64_t ago = (now_ns() - last->finished_ns) / 1000000000;
    std::printf("%s: %llds ago, %s\n", job.c_str(), static_cast<long long>(ago),
                last->exit_code == 0 ? "ok" : fmt::format("exit code {}", last->exit_code).c_str());
  }
  return kExitOk;
}

}  // namespace

int cmd_service(const CommandLine& cl) {
  std::string sub = cl.args.empty() ? "" : cl.args[0];
  CommandLine rest = cl;
  if (!rest.args.empty()) rest.args.erase(rest.args.begin());
  if (sub == "run") return service_run(rest);
  if (sub == "status") return service_status(rest);
  if (sub == "install") return service_install_or_uninstall(rest, true);
  if (sub == "uninstall") return service_install_or_uninstall(rest, false);
  if (is_service_control_command(sub)) return service_control_command(rest, sub);
  if (sub.empty() || sub == "help") {
    std::fputs(kServiceUsage, stdout);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("unknown service command '{}' (see 'gridbackup service help')", sub)));
}

namespace {

void service_options(CommandOptions& o) {
  o.flag("user",
         "run, status, install, uninstall, pause, resume, backup-now, upload-now: this user's service (state dir in ~/.local/state, unit in "
         "~/.config/systemd/user), not the system's");
  o.flag("force", "install: write the unit even though this binary lies in a build tree");
  o.value("unit-dir", "DIR", "install, uninstall: the unit's directory (default /etc/systemd/system; --user: ~/.config/systemd/user)");
  o.flag("no-start", "install, uninstall: do not start or stop the unit");
  o.flag("no-agent", "run: no change-journal agent (every snapshot a full scan, every --full-scan-interval)");
  o.flag("no-exclude-caches", "run, install: back up the contents of cache directories too (by default left out, as backup --exclude-caches)");
  o.value("snapshot-interval", "DURATION", "run: a snapshot this often when the journal holds changes (default 15min)");
  o.value("full-scan-interval", "DURATION", "run: a full-scan snapshot this often where there is no journal (default 6h)");
  o.value("audit-interval", "DURATION", "run: an audit snapshot this often (default 7d)");
  o.value("forget-interval", "DURATION", "run: retention this often (default 1d; keep 24 hourly, 14 daily, 8 weekly, 24 monthly)");
  o.value("prune-interval", "DURATION", "run: prune this often (default 7d)");
  o.value("verify-interval", "DURATION", "run: verify this often (default 1d), each time reading the next slice of the packs");
  o.value("verify-days", "N", "run, install: the packs are read in N slices, one a verify, so all data is read every N verifies (default 30)");
  o.value("upload-limit", "'WHEN = RATE'", "run: the bandwidth schedule, one entry each (repeatable; grammar below)");
  o.value("power-supply-root", "DIR", "run: where the power supplies are (default /sys/class/power_supply)");
  o.value("on-battery", "pause|upload", "run: what uploads do on battery (default pause)");
  o.value("metered", "auto|yes|no",
          "run: whether the connection is metered, so uploads pause: auto asks NetworkManager (its Metered property over D-Bus), "
          "yes always, no never (default auto)");
  health_options(o);
  o.value("host", "NAME", "host name recorded in the snapshots (default GRIDBACKUP_HOST, then the machine's name)");
  o.value("for", "DURATION", "pause: how long (default: until service resume)");
  o.json("status, pause, resume, backup-now, upload-now: the same as one JSON object (docs/JSON.md)");
}

}  // namespace

const Command kServiceCommand = {"service",
                                 "run|status|install|uninstall|pause|resume|backup-now|upload-now",
                                 "the always-on service: scheduled snapshots, uploads and upkeep",
                                 service_options,
                                 cmd_service,
                                 false,
                                 kServiceUsage};

}  // namespace gb
