#include "agents/linux/agent_daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agents/linux/fanotify_reader.h"
#include "agents/linux/fanotify_translator.h"
#include "agents/linux/mount_watch.h"
#include "agents/linux/shared_mappings.h"
#include "core/common/clock.h"
#include "core/common/fd_io.h"
#include "core/common/path_order.h"
#include "core/common/posix_error.h"
#include "core/common/private_files.h"
#include "core/fs/unique_fd.h"
#include "core/journal/change_journal.h"
#include "core/journal/recording.h"
#include "core/journal/slice_plan.h"
#include "core/snapshot/view_cache.h"
#include "core/state/local_state.h"

namespace gb {
namespace {

// A backup waits for its cookie file's record, so a batch is committed after
// at most this much reading, even while events keep coming.
constexpr auto kMaxBatch = std::chrono::milliseconds(50);

// The exclusive flock that makes this the state dir's only agent (and tells
// backups an agent runs); held until the descriptor closes.
Status take_agent_lock(const LocalState& state, UniqueFd& lock) {
  GB_CHECK(make_private_dir(state.dir()));
  GB_ASSIGN(int fd, open_private_file(state.agent_lock_path(), O_RDWR));
  lock.reset(fd);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) == 0) return {};
  if (errno != EWOULDBLOCK) return posix_error(fmt::format("cannot lock {}", state.agent_lock_path()), errno);
  std::string who = "another change-journal agent";
  if (auto journal = ChangeJournal::open(state.journal_path()))
    if (auto info = (*journal)->agent(); info && *info) who += fmt::format(" (pid {})", (*info)->pid);
  return make_error(ErrorKind::InvalidArgument, fmt::format("{} is already running on the state dir {}; stop it first", who, state.dir()));
}

// SIGTERM and SIGINT as a readable descriptor, so the event loop's poll sees
// them between batches and the agent stops with every read batch committed.
Status stop_signals(UniqueFd& out) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) == 0) out.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!out) return posix_error("cannot set up the agent's signal handling", errno);
  return {};
}

class RecordingFile {
 public:
  Status open(const std::string& path, const std::map<std::string, std::string>& context) {
    path_ = path;
    fd_.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd_) return posix_error(fmt::format("cannot write the recording {}", path), errno);
    return write(encode_recording_header("fanotify", context));
  }
  bool active() const { return fd_.valid(); }
  // Written straight through (no user-space buffer): a killed agent leaves a
  // recording that reads up to its last whole frame.
  Status write(const std::string& bytes) {
    if (!write_fully(fd_.get(), as_bytes(bytes))) return posix_error(fmt::format("cannot write the recording {}", path_), errno);
    return {};
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

class Agent {
 public:
  Agent(const AgentOptions& o, std::vector<std::string> roots, std::vector<std::string> fs_ids, FanotifyReader& reader, MountWatch& mounts,
        ChangeJournal* journal, RecordingFile& recording, std::vector<std::string> own_paths)
      : options_(o),
        roots_(std::move(roots)),
        fs_ids_(std::move(fs_ids)),
        reader_(reader),
        mounts_(mounts),
        journal_(journal),
        recording_(recording),
        translator_(make_fanotify_translator(reader.context())),
        own_paths_(std::move(own_paths)) {}

  Status commit(const std::vector<ChangeRecord>& records) {
    if (records.empty()) return {};
    if (journal_) GB_CHECK(journal_->append(records));
    if (options_.on_records) options_.on_records(records);
    return {};
  }

  // Reads until the queue is empty or kMaxBatch has passed, then commits the
  // batch in one transaction.
  Status drain_batch() {
    auto start = std::chrono::steady_clock::now();
    std::vector<ChangeRecord> records;
    std::string frames;
    for (;;) {
      std::vector<fanotify::FanotifyEvent> events;
      GB_ASSIGN(size_t n, reader_.read_some(events));
      if (n == 0) break;
      int64_t t = now_ns();
      for (const auto& e : events) {
        if (is_own(e)) continue;
        std::string raw = fanotify::encode_event(e);
        translator_->translate(raw, t, records);
        if (recording_.active()) frames += encode_recording_frame(RecordedEvent{t, std::move(raw)});
      }
      if (std::chrono::steady_clock::now() - start > kMaxBatch) break;
    }
    // A mount or umount before a backup's cookie is in the table by the time
    // the cookie's event has been read: its rescan goes before the batch, so
    // inside the backup's cut.
    std::vector<ChangeRecord> ahead;
    mounts_.changes(now_ns(), ahead);
    // Stores through a shared mapping raise no event until the file's last
    // release; a cut must still see them, so a batch that holds a backup's
    // cookie first records every file mapped shared now (the backup stats
    // them). A mapping dropped before the cookie raised FAN_CLOSE_WRITE at
    // its munmap, ahead of the cookie (one dropped after the cookie but
    // before this read is in the next cut: agents/linux/README.md).
    if (holds_cookie(records)) mapped_files(ahead);
    if (!ahead.empty()) records.insert(records.begin(), ahead.begin(), ahead.end());
    if (!frames.empty()) GB_CHECK(recording_.write(frames));
    if (reader_.unresolved() > reported_unresolved_) {
      std::fprintf(stderr, "gridbackup agent: %llu event(s) could not be placed (last: %s); their roots will be rescanned\n",
                   static_cast<unsigned long long>(reader_.unresolved() - reported_unresolved_), reader_.unresolved_reason().c_str());
      reported_unresolved_ = reader_.unresolved();
    }
    return commit(records);
  }

 private:
  const AgentOptions& options_;
  std::vector<std::string> roots_, fs_ids_;  // in step
  FanotifyReader& reader_;
  MountWatch& mounts_;
  ChangeJournal* journal_;
  RecordingFile& recording_;
  std::unique_ptr<EventTranslator> translator_;
  std::vector<std::string> own_paths_;
  uint64_t reported_unresolved_ = 0;
  bool reported_unreadable_ = false;

  // Whether a backup's cookie file was created in this batch: the backup
  // takes its cut there.
  static bool holds_cookie(const std::vector<ChangeRecord>& records) {
    for (const auto& r : records)
      if (r.kind == ChangeKind::Created && is_cookie_name(r.path)) return true;
    return false;
  }

  void mapped_files(std::vector<ChangeRecord>& out) {
    MappingScan scan = shared_mapping_records(roots_, fs_ids_, own_paths_, now_ns(), out);
    if (scan.unreadable && !reported_unreadable_) {
      std::fprintf(stderr,
                   "gridbackup agent: %s (%zu process(es) in all): stores through their shared mappings are seen only at the file's last release\n",
                   scan.first_unreadable.c_str(), scan.unreadable);
      reported_unreadable_ = true;
    }
  }

  // Our own writes (the journal, the recording) raise events too; recording
  // them would write again, and so on forever. The state dir is a cache that
  // backups leave out, so nothing is lost by not watching it.
  bool is_own(const fanotify::FanotifyEvent& e) const {
    if (e.flags & fanotify::kDirUnresolved) return false;
    std::string path = fanotify::event_path(e);
    for (const auto& own : own_paths_)
      if (path_within(path, own)) return true;
    return false;
  }
};

// Canonical `path`, or that of its directory plus its name when it does not
// exist yet.
std::string canonical_path(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  std::filesystem::path p(path);
  if (::realpath(p.parent_path().empty() ? "." : p.parent_path().c_str(), buf)) return (std::filesystem::path(buf) / p.filename()).string();
  return path;
}

}  // namespace

Result<std::vector<std::string>> canonical_roots(const std::vector<std::string>& roots) {
  if (roots.empty()) return make_error(ErrorKind::InvalidArgument, "the agent needs at least one root directory to watch");
  std::vector<std::string> out;
  for (const auto& root : roots) {
    char buf[PATH_MAX];
    struct stat st;
    if (!::realpath(root.c_str(), buf) || ::stat(buf, &st) != 0)
      return posix_error(fmt::format("cannot watch {}", root), errno, ErrorKind::InvalidArgument);
    if (!S_ISDIR(st.st_mode)) return make_error(ErrorKind::InvalidArgument, fmt::format("cannot watch {}: it is not a directory", root));
    out.push_back(buf);
  }
  return out;
}

Status run_agent(const AgentOptions& options) {
  GB_ASSIGN(auto roots, canonical_roots(options.roots));
  UniqueFd lock, signals;
  std::unique_ptr<ChangeJournal> journal;
  const LocalState state(options.state_dir);
  if (!options.state_dir.empty()) {
    GB_CHECK(take_agent_lock(state, lock));
    GB_ASSIGN(journal, state.open_journal());
  }
  GB_CHECK(stop_signals(signals));
  GB_ASSIGN(auto reader, FanotifyReader::open(roots, !options.bounded_queue));
  RecordingFile recording;
  if (!options.record_path.empty()) GB_CHECK(recording.open(options.record_path, reader->context()));
  std::vector<std::string> own;
  if (!options.state_dir.empty()) own.push_back(canonical_path(options.state_dir));
  if (!options.record_path.empty()) own.push_back(canonical_path(options.record_path));
  std::vector<std::string> root_fs_ids;
  for (size_t start = 0, nl; (nl = reader->context().at("fs_ids").find('\n', start)) != std::string::npos; start = nl + 1)
    root_fs_ids.push_back(reader->context().at("fs_ids").substr(start, nl - start));
  GB_ASSIGN(auto mounts, MountWatch::open(roots, root_fs_ids));
  Agent agent(options, roots, root_fs_ids, *reader, mounts, journal.get(), recording, std::move(own));

  // The marks are in place before these records: a change is either before
  // them (the rescan finds it) or an event — never a gap.
  int64_t started = now_ns();
  if (journal) GB_CHECK(journal->set_agent(AgentInfo{::getpid(), started, roots, "fanotify"}));
  std::vector<ChangeRecord> restart;
  for (size_t i = 0; i < roots.size(); ++i)
    restart.push_back(ChangeRecord{i < root_fs_ids.size() ? root_fs_ids[i] : std::string(), roots[i], ChangeKind::RescanNeeded, true, started, 0});
  GB_CHECK(agent.commit(restart));

  // Between backups the agent does the upkeep a backup would otherwise do on
  // its way out (and so on the clock of the snapshot it commits): fold the
  // view caches' write-ahead logs into their databases (checking costs a
  // directory listing; a log left unfolded costs the next backup a read of
  // it), and drop journal rows no snapshot's slice can still need.
  constexpr int64_t kFoldEvery = 2'000'000'000, kTrimEvery = 60'000'000'000;
  int64_t last_fold = now_ns(), last_trim = 0;
  for (;;) {
    struct pollfd fds[3] = {{reader->fd(), POLLIN, 0}, {signals.get(), POLLIN, 0}, {mounts.fd(), POLLPRI, 0}};
    if (::poll(fds, 3, 2'000) < 0) {
      if (errno == EINTR) continue;
      return posix_error("the agent's event loop failed", errno);
    }
    if (fds[1].revents) break;
    mounts.notice(fds[2].revents);
    if (fds[0].revents || fds[2].revents) GB_CHECK(agent.drain_batch());
    if (!options.state_dir.empty() && now_ns() - last_fold >= kFoldEvery) {
      fold_view_cache_logs(state.view_cache_paths());
      last_fold = now_ns();
    }
    if (journal && now_ns() - last_trim >= kTrimEvery) {
      GB_CHECK(journal->trim());
      last_trim = now_ns();
    }
  }
  // Events already queued when the signal came belong to this run.
  return agent.drain_batch();
}

}  // namespace gb
