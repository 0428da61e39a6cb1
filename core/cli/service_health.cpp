#include "core/cli/service_health.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agents/linux/systemd_notify.h"

#include "core/backup/own_files.h"
#include "core/cli/listen_address.h"

#include "core/cli/command.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/metrics_server.h"
#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/common/disk_space.h"
#include "core/common/duration.h"
#include "core/common/number_text.h"
#include "core/common/parallel.h"
#include "core/connect/open_backend.h"
#include "core/grid/share_store.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/service/grid_return.h"
#include "core/service/service_metrics.h"
#include "core/service/service_state.h"
#include "core/ui/ui_server.h"

extern char** environ;

namespace gb {
namespace {

// Syslog priorities, as the service's log lines carry them.
constexpr int kLogError = 3, kLogWarning = 4, kLogNotice = 5;
constexpr const char* kJobs[] = {"snapshot", "audit", "upload", "forget", "prune", "verify"};

// A snapshot job that saved its snapshot: ok, some files skipped (3), or an
// audit that found what the journal missed (4: the snapshot is right).
bool snapshot_saved(const JobRun& run) { return run.exit_code == kExitOk || run.exit_code == kExitPartial || run.exit_code == kExitAuditMissed; }

std::optional<int64_t> stored_ns(ServiceState& schedule, const std::string& key) {
  auto v = schedule.value(key);
  if (!v || !*v) return std::nullopt;
  auto n = parse_int(**v);
  return n ? std::optional<int64_t>(*n) : std::nullopt;
}

// The environment of a hook or notify-send: the service's, without the
// notify protocol's variables (systemd waits to hear from the service only),
// with `extra` added.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    bool drop = false;
    for (const char* name : kNotifyEnvironment) {
      size_t n = std::strlen(name);
      drop = drop || (std::strncmp(*e, name, n) == 0 && (*e)[n] == '=');
    }
    for (const auto& x : extra) drop = drop || std::strncmp(*e, x.c_str(), x.find('=') + 1) == 0;
    if (!drop) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Starts `argv` with `env` (PATH searched); the child is reaped by the
// service's loop with its other children. Returns the pid or an errno.
// The child keeps only stdin, stdout and stderr: a descriptor the service
// holds without close-on-exec (one it inherited, one a library opened) must
// not stay open in a hook that lingers after the service is restarted.
Result<pid_t> spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  std::vector<char*> a, e;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
  e.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, a[0], &actions, nullptr, a.data(), e.data());
  ::posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return make_error(ErrorKind::Io, fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  return pid;
}

// Whether `name` is an executable in PATH.
bool in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    if (colon == std::string::npos) return false;
    start = colon + 1;
  }
}

std::string reasons_text(const Health& h, const char* separator) { return fmt::format("{}", fmt::join(h.reasons, separator)); }

}  // namespace

Result<int64_t> interval_option(const CommandLine& cl, const std::string& name, int64_t fallback) {
  auto v = cl.value(name);
  if (!v) return fallback;
  auto d = parse_duration(*v);
  if (!d) return make_error(ErrorKind::InvalidArgument, fmt::format("--{}: {}", name, d.error().message));
  if (d->total_seconds() <= 0) return make_error(ErrorKind::InvalidArgument, fmt::format("--{} wants a duration above zero, not '{}'", name, *v));
  return d->total_seconds() * 1000000000;
}

void health_options(CommandOptions& o) {
  o.value("health-interval", "DURATION", "run: judge the health this often, and after every job (default 1min)");
  o.value("stale-after", "DURATION", "run: no complete snapshot, or a file queued, for this long is WARNING, for twice as long FAILING (default 3d)");
  o.value("on-warning", "CMD", "run: run CMD (/bin/sh -c) when the health turns WARNING (GRIDBACKUP_HEALTH, GRIDBACKUP_REASONS set)");
  o.value("on-failure", "CMD", "run: run CMD (/bin/sh -c) when the health turns FAILING (GRIDBACKUP_HEALTH, GRIDBACKUP_REASONS set)");
  o.value("metrics-file", "PATH", "run: the Prometheus textfile written at each health check (default STATE-DIR/metrics.prom)");
  o.value("metrics-listen", "HOST:PORT", "run: also serve the metrics at http://HOST:PORT/metrics (loopback only)");
}

Result<HealthSettings> health_settings(const CommandLine& cl) {
  HealthSettings s;
  GB_ASSIGN(s.interval_ns, interval_option(cl, "health-interval", s.interval_ns));
  GB_ASSIGN(s.thresholds.stale_ns, interval_option(cl, "stale-after", s.thresholds.stale_ns));
  s.on_warning = cl.value("on-warning").value_or("");
  s.on_failure = cl.value("on-failure").value_or("");
  s.desktop_notify = cl.flag("user");
  if (auto v = cl.value("metrics-file")) s.metrics_file = absolute_normal(*v);
  s.metrics_listen = cl.value("metrics-listen").value_or("");
  if (!s.metrics_listen.empty()) {
    GB_ASSIGN(auto address, listen_address(s.metrics_listen, "metrics-listen"));
    if (!is_loopback_host(address.first))
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("--metrics-listen serves this machine only (127.0.0.1, ::1): {} would show the metrics, which have no "
                                    "token, to the network; let node exporter's textfile collector read --metrics-file instead",
                                    address.first));
  }
  return s;
}

Status health_install_options(const CommandLine& cl, std::vector<std::string>& run_options, std::vector<std::string>& writes) {
  for (const char* name : {"health-interval", "stale-after", "on-warning", "on-failure", "metrics-listen"})
    if (auto v = cl.value(name)) run_options.insert(run_options.end(), {std::string("--") + name, *v});
  if (auto v = cl.value("metrics-file")) {
    std::string path = absolute_normal(*v);
    std::string dir = std::filesystem::path(path).parent_path().string();
    // The file is replaced by a rename: the unit must write its directory,
    // and systemd cannot start a unit whose ReadWritePaths is missing.
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("--metrics-file {}: its directory {} does not exist, so the unit could not write it", path, dir));
    run_options.insert(run_options.end(), {"--metrics-file", path});
    writes.push_back(dir);
  }
  return {};
}

Result<std::vector<std::string>> health_status_lines(ServiceState& schedule) {
  GB_ASSIGN(auto record, load_health(schedule));
  if (!record) return std::vector<std::string>{"health: not judged yet"};
  std::vector<std::string> lines = {fmt::format("health: {} since {} ({})", health_level_name(record->health.level), utc_time_text(record->since_ns),
                                                ago_text((now_ns() - record->since_ns) / 1000000000))};
  for (const auto& r : record->health.reasons) lines.push_back("  " + r);
  return lines;
}

Result<Json> health_status_json(ServiceState& schedule) {
  GB_ASSIGN(auto record, load_health(schedule));
  if (!record) return Json();
  Json reasons = Json::array();
  for (const auto& r : record->health.reasons) reasons.push_back(r);
  return Json({{"level", health_level_name(record->health.level)},
               {"since", utc_time_text(record->since_ns)},
               {"seconds", (now_ns() - record->since_ns) / 1000000000},
               {"reasons", reasons}});
}

HealthMonitor::HealthMonitor(const CommandLine& cl, HealthSettings settings, LocalState state, ServiceLog log)
    : cl_(cl), s_(std::move(settings)), state_(std::move(state)), log_(std::move(log)) {
  if (s_.metrics_file.empty()) s_.metrics_file = state_.dir() + "/metrics.prom";
}

HealthMonitor::~HealthMonitor() {
  {
    std::lock_guard<std::mutex> hold(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status HealthMonitor::start() {
  GB_ASSIGN(schedule_, ServiceState::open(state_.service_path()));
  if (!s_.metrics_listen.empty()) {
    GB_ASSIGN(server_, MetricsServer::start(s_.metrics_listen));
    std::string host = s_.metrics_listen.substr(0, s_.metrics_listen.rfind(':'));
    log_(fmt::format("metrics at http://{}:{}/metrics", host, server_->port()), kLogNotice);
  }
  if (!stored_ns(*schedule_, "first_started_ns")) GB_CHECK(schedule_->set_value("first_started_ns", std::to_string(now_ns())));
  GB_ASSIGN(record_, load_health(*schedule_));
  evaluate();
  thread_ = std::thread([this] { loop(); });
  return {};
}

void HealthMonitor::wake() {
  {
    std::lock_guard<std::mutex> hold(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

std::string HealthMonitor::summary() {
  std::lock_guard<std::mutex> hold(mutex_);
  return summary_;
}

void HealthMonitor::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> hold(mutex_);
      wake_.wait_for(hold, std::chrono::nanoseconds(s_.interval_ns), [this] { return woken_ || stop_; });
      if (stop_) return;
      woken_ = false;
    }
    evaluate();
  }
}

void HealthMonitor::evaluate() {
  ServiceMetrics metrics;
  HealthInputs in = gather(metrics);
  // Who is down, kept for the job loop's repair when one comes back (grid_return.h).
  if (in.repository_reachable && in.grid_members > 0)
    if (Status st = note_grid_members_down(*schedule_, in.grid_members_down); !st) log_(st.error().message, kLogError);
  Health health = evaluate_health(in, s_.thresholds);
  HealthRecord now = next_health_record(record_, health, in.now_ns);
  // service.db is written only when the health changed: a judgement a
  // minute that finds nothing new costs no write.
  if (!record_ || record_->health != health) {
    changed(record_, now);
    if (Status st = store_health(*schedule_, now); !st) log_(st.error().message, kLogError);
  }
  record_ = now;
  {
    std::lock_guard<std::mutex> hold(mutex_);
    summary_ = health.level == HealthLevel::Ok ? "" : fmt::format("health {}: {}", health_level_name(health.level), reasons_text(health, "; "));
  }
  metrics.health = now;
  std::string text = prometheus_text(metrics);
  write_metrics(text);
  if (server_) server_->publish(std::move(text));
}

HealthInputs HealthMonitor::gather(ServiceMetrics& m) {
  HealthInputs in;
  in.now_ns = now_ns();
  in.watching_since_ns = stored_ns(*schedule_, "first_started_ns").value_or(in.now_ns);
  probe_repository(in, m);
  if (!queue_ && !queue_path_.empty() && std::filesystem::exists(queue_path_)) {
    if (auto q = UploadQueue::open(queue_path_)) queue_ = std::move(*q);
  }
  std::optional<QueueStats> queued;
  if (queue_) {
    if (auto st = queue_->stats()) queued = *st;
    if (auto oldest = queue_->oldest_queued_ns(); oldest && queued && queued->jobs) in.oldest_queued_ns = *oldest;
  }
  if (queued) {
    m.queue_files = queued->jobs;
    m.queue_bytes = queued->bytes;
  }
  m.oldest_queued_ns = in.oldest_queued_ns;
  for (const char* job : kJobs)
    if (auto last = schedule_->last(job); last && *last) m.jobs.emplace_back(job, **last);
  auto run_of = [&](const std::string& job) -> std::optional<JobRun> {
    for (const auto& [name, run] : m.jobs)
      if (name == job) return run;
    return std::nullopt;
  };
  // The newest saved snapshot, and the newest complete one: a snapshot is
  // complete once the queue has drained after it (its content all stored).
  // Both are kept in service.db, as a failed snapshot job replaces the record
  // of the last good one.
  m.last_snapshot_ns = stored_ns(*schedule_, "last_snapshot_saved_ns");
  m.last_complete_snapshot_ns = stored_ns(*schedule_, "last_complete_snapshot_ns");
  auto keep = [&](const char* key, std::optional<int64_t>& value, int64_t ns) {
    if (value == ns) return;
    value = ns;
    if (Status st = schedule_->set_value(key, std::to_string(ns)); !st) log_(st.error().message, kLogError);
  };
  if (auto snap = run_of("snapshot"); snap && snapshot_saved(*snap)) {
    keep("last_snapshot_saved_ns", m.last_snapshot_ns, snap->finished_ns);
    if (queued && queued->jobs == 0) keep("last_complete_snapshot_ns", m.last_complete_snapshot_ns, snap->finished_ns);
  }
  in.last_complete_snapshot_ns = m.last_complete_snapshot_ns;
  auto verify = run_of("verify");
  in.verify_found_damage = verify && verify->exit_code == kExitDamaged;
  auto audit = run_of("audit");
  in.audit_missed_changes = audit && audit->exit_code == kExitAuditMissed;
  auto paused = schedule_->value("paused");
  m.upload_paused = paused && *paused && !(*paused)->empty();
  in.state_disk_free_bytes = free_disk_bytes(state_.dir());
  m.state_disk_free_bytes = in.state_disk_free_bytes;
  return in;
}

// The cheap probe: the repository's config object read with the cap (no
// index, no lock), and for a grid each member asked whether its location
// is there, as `grid status` does. It also names the upload queue: the
// repository's id is its directory in the state dir.
void HealthMonitor::probe_repository(HealthInputs& in, ServiceMetrics& m) {
  auto opened = [&]() -> Result<std::unique_ptr<Repository>> {
    GB_ASSIGN(RootCap cap, load_cap(cl_));
    std::string url = repository_url(cl_, cap);
    std::unique_ptr<Backend> backend;
    if (url.rfind("grid:", 0) == 0) {
      GB_ASSIGN(auto grid, open_grid(url));
      ShareStore& shares = grid->shares();
      std::vector<char> up(shares.member_count());
      parallel_for(up.size(), [&](size_t i) {
        auto there = shares.member(i).exists();
        up[i] = there && *there;
      });
      in.grid_members = m.grid_members = static_cast<int>(up.size());
      in.grid_k = shares.config().k;
      in.grid_happy = shares.config().happy;
      for (size_t i = 0; i < up.size(); ++i) {
        if (up[i])
          ++m.grid_members_up;
        else
          in.grid_members_down.push_back(shares.member_info(i).id);
      }
      backend = std::move(grid);
    } else {
      GB_ASSIGN(backend, open_backend(url));
    }
    return Repository::open(std::move(backend), cap.master, false);
  }();
  in.repository_reachable = m.repository_up = static_cast<bool>(opened);
  if (!opened) {
    in.repository_error = opened.error().message;
    return;
  }
  queue_path_ = state_.repository_dir(**opened) + "/queue.db";
}

void HealthMonitor::changed(const std::optional<HealthRecord>& before, const HealthRecord& now) {
  const Health& h = now.health;
  bool level_changed = !before || before->health.level != h.level;
  if (h.level == HealthLevel::Ok)
    log_(before ? "health OK again" : "health OK", kLogNotice);
  else
    log_(fmt::format("health {}: {}", health_level_name(h.level), reasons_text(h, "; ")), h.level == HealthLevel::Failing ? kLogError : kLogWarning);
  if (health_hook_due(before, h)) {
    const std::string& hook = h.level == HealthLevel::Failing ? s_.on_failure : s_.on_warning;
    if (!hook.empty()) run_hook(hook, h);
  }
  // A first judgement of OK is no news; any other change of level is.
  if (s_.desktop_notify && level_changed && (before || h.level != HealthLevel::Ok)) notify_desktop(h);
}

// The hook runs beside the service, its output in the service's log; its
// exit status is not waited for (a slow hook must not hold up the health).
void HealthMonitor::run_hook(const std::string& command, const Health& health) {
  const char* option = health.level == HealthLevel::Failing ? "on-failure" : "on-warning";
  auto pid = spawn({"/bin/sh", "-c", command}, child_environment({std::string("GRIDBACKUP_HEALTH=") + health_level_name(health.level),
                                                                  "GRIDBACKUP_REASONS=" + reasons_text(health, "\n")}));
  if (pid)
    log_(fmt::format("{} hook started (pid {})", option, *pid), kLogNotice);
  else
    log_(fmt::format("the {} hook: {}", option, pid.error().message), kLogWarning);
}

// notify-send (libnotify-bin) where there is one: no desktop, no
// notification, and a failure is one line of the log.
void HealthMonitor::notify_desktop(const Health& health) {
  if (!in_path("notify-send")) return;
  std::string title = fmt::format("GridBackup: {}", health.level == HealthLevel::Ok ? "backups are healthy again" : health_level_name(health.level));
  std::string body = health.reasons.empty() ? "Nothing is wrong any more." : reasons_text(health, "\n");
  const char* urgency = health.level == HealthLevel::Failing ? "critical" : "normal";
  auto pid = spawn({"notify-send", "--app-name=GridBackup", "--urgency", urgency, title, body}, child_environment({}));
  if (!pid) log_(fmt::format("no desktop notification: {}", pid.error().message), kLogWarning);
}

// Written whole to a temporary name and renamed, so a collector never reads
// half a file. In the state dir it is private as all the state is (0600);
// elsewhere (a collector's directory) 0644, so node exporter, which runs as
// a user of its own, can read it: it holds no secret (no path, no URL, no
// reason text; times, counts and exit codes).
void HealthMonitor::write_metrics(const std::string& text) {
  const std::string& path = s_.metrics_file;
  const std::string tmp = path + ".tmp";
  bool in_state = path.rfind(state_.dir() + "/", 0) == 0;
  std::string error;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = std::strerror(errno);
  } else {
    bool ok = ::fchmod(fd, in_state ? 0600 : 0644) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (!ok) error = std::strerror(errno);
    if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
    if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = std::strerror(errno);
    if (!error.empty()) ::unlink(tmp.c_str());
  }
  if (error != metrics_error_) {
    if (!error.empty()) log_(fmt::format("cannot write the metrics file {}: {}", path, error), kLogWarning);
    metrics_error_ = error;
  }
}

}  // namespace gb
