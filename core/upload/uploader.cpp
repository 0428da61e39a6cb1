#include "core/upload/uploader.h"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/backup/staging_area.h"
#include "core/common/clock.h"
#include "core/content/packer.h"
#include "core/queue/storing_run.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {

using Clock = std::chrono::steady_clock;

// A count against time over the last kRateWindow: its recent rate.
class RecentRate {
 public:
  void add(Clock::time_point t, uint64_t count) {
    samples_.emplace_back(t, count);
    while (samples_.size() > 2 && t - samples_[1].first >= kRateWindow) samples_.pop_front();
  }
  // Per second; 0 before a second has been seen.
  double rate() const {
    if (samples_.size() < 2) return 0;
    double dt = std::chrono::duration<double>(samples_.back().first - samples_.front().first).count();
    return dt < 1 ? 0 : static_cast<double>(samples_.back().second - samples_.front().second) / dt;
  }
  bool full() const { return samples_.size() >= 2 && samples_.back().first - samples_.front().first >= kRateWindow; }

 private:
  std::deque<std::pair<Clock::time_point, uint64_t>> samples_;
};

// Calls tick() every 250 ms on its own thread until destroyed.
class Ticker {
 public:
  explicit Ticker(std::function<void()> tick) : tick_(std::move(tick)) {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stop_; })) {
        lock.unlock();
        tick_();
        lock.lock();
      }
    });
  }
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

Result<UploadResult> run_upload(Repository& repo, UploadQueue& queue, const UploadOptions& options, UploadProgress& progress) {
  UploadResult result;
  repo.prepare_to_store();
  // data/ is listed for packs a killed run stored only when a run was
  // interrupted (storing_run.h).
  GB_ASSIGN(StoringRun storing, StoringRun::begin(&queue));
  if (options.adopt != UploadOptions::Adopt::Never) {
    GB_ASSIGN(result.adopted_packs, storing.adopt_interrupted(repo, options.adopt == UploadOptions::Adopt::Always));
  }
  GB_ASSIGN(QueueStats before, queue.stats());
  progress.jobs_total = before.jobs;
  progress.bytes_total = before.bytes;

  Packer packer(repo.upload_backend(), repo.keys(), packs_into(repo.index()), repo.packer_options(options.workers));
  FileReader reader(packer, repo, progress.read, options.reader);

  // How much of the queue is done: the jobs handled (and the part of the one
  // in hand read so far), less what of them still waits in the packer or for
  // the link. Sealed bytes not yet out count as the plaintext they hold.
  std::mutex jobs_mu;
  uint64_t finished = 0, in_hand = 0, in_hand_read_from = 0;  // under jobs_mu
  const uint64_t out_base = options.bytes_out ? options.bytes_out() : 0;
  const auto started = Clock::now();
  const int64_t started_ns = now_ns();
  RecentRate recent;
  int ticks = 0;
  std::atomic<bool> recorded{false};
  auto tick = [&] {
    // Handled before counts: a blob counted there and not yet here makes
    // the figure lag a moment, never lead.
    uint64_t handled;
    {
      std::lock_guard lock(jobs_mu);
      uint64_t read_now = progress.read.bytes;
      handled = finished + std::min(in_hand, read_now > in_hand_read_from ? read_now - in_hand_read_from : 0);
    }
    Packer::Counts c = packer.counts();
    uint64_t out = std::min(options.bytes_out ? options.bytes_out() - out_base : c.stored, c.sealed_packed);
    double per_sealed = c.sealed_packed ? static_cast<double>(c.plain_packed) / static_cast<double>(c.sealed_packed) : 1.0;
    double pending = static_cast<double>(c.plain_added - c.plain_packed) + static_cast<double>(c.sealed_packed - out) * per_sealed;
    auto done = static_cast<uint64_t>(std::max(0.0, static_cast<double>(handled) - pending));
    done = std::max(progress.bytes_done.load(), std::min(done, progress.bytes_total.load()));
    progress.bytes_done = done;
    recent.add(Clock::now(), done);
    progress.rate = static_cast<uint64_t>(recent.rate());
    if (options.record_live && ticks++ % 4 == 0) {
      recorded = true;
      (void)queue.record_live(
          {::getpid(), options.command, started_ns, now_ns(), done, progress.bytes_total, progress.jobs_done, progress.jobs_total, recent.rate()});
    }
  };
  struct LiveRow {
    UploadQueue& queue;
    std::atomic<bool>& recorded;
    ~LiveRow() {
      if (recorded) (void)queue.clear_live(::getpid());
    }
  } live_row{queue, recorded};
  // Stopped before the row is cleared and the packer goes; none for an
  // empty queue (a no-change backup starts no thread and writes no row).
  std::optional<Ticker> ticker;
  if (before.jobs > 0) ticker.emplace(tick);
  uint64_t uploaded_bytes = 0;  // sizes of the files read and stored

  std::vector<int64_t> settled;     // jobs to remove once their content is durable
  std::vector<std::string> staged;  // staged copies to delete with them
  size_t batch_bytes = 0;
  auto batch_start = std::chrono::steady_clock::now();
  auto commit = [&]() -> Status {
    GB_CHECK(packer.flush());
    GB_CHECK(repo.index().flush(repo.backend(), repo.keys().metadata));
    GB_CHECK(queue.remove(settled));
    settled.clear();
    for (const auto& copy : staged) StagingArea::release(copy);
    staged.clear();
    batch_bytes = 0;
    batch_start = std::chrono::steady_clock::now();
    // Everything referred to so far is in a stored index object: a prune
    // plan made since can be taken in now.
    return repo.refresh_prune_plan();
  };

  int64_t cursor_priority = INT64_MAX, cursor_id = 0;
  while (!result.stopped) {
    GB_ASSIGN(auto jobs, queue.next_batch(256, cursor_priority, cursor_id));
    if (jobs.empty()) break;
    for (const UploadJob& job : jobs) {
      if (options.keep_going && !options.keep_going()) {
        result.stopped = true;
        break;
      }
      cursor_priority = job.priority;
      cursor_id = job.id;
      ++progress.jobs_done;
      {
        std::lock_guard lock(jobs_mu);
        finished += in_hand;
        in_hand = job.size;
        in_hand_read_from = progress.read.bytes;
      }
      GB_CHECK(packer.status());
      if (repo.content_present(job.content, job.size)) {
        ++result.already_stored;
        settled.push_back(job.id);
        if (job.staged) staged.push_back(job.path);
        continue;
      }
      auto found = stat_entry(job.path);
      if (!found) {
        result.vanished.push_back(job.path);
        settled.push_back(job.id);
        continue;
      }
      Entry e = std::move(*found);
      // Same size, mtime and inode as when the snapshot hashed it, and the same
      // bytes once read (checked below); otherwise it is not the recorded version.
      // Not ctime: a chmod, an xattr or a new hard link changes only that, and
      // the content hash below is the proof; a job dropped for it left the
      // snapshot without the content once the file changed later
      // (cli.service_kill found it).
      bool same = e.type == NodeType::File && e.size == job.size && e.mtime_ns == job.mtime_ns && e.inode == job.inode;
      if (same) {
        Status st = reader.read(e, true, 1, job.has_base ? std::optional<Hash>(job.base) : std::nullopt);
        same = st && e.content == job.content;
      }
      if (!same) {
        GB_CHECK(queue.mark_unstable(job.path));
        result.unstable.push_back(job.path);
        settled.push_back(job.id);
        continue;
      }
      ++result.uploaded_files;
      uploaded_bytes += job.size;
      settled.push_back(job.id);
      if (job.staged) staged.push_back(job.path);
      batch_bytes += job.size;
      if (batch_bytes >= options.batch_bytes || std::chrono::steady_clock::now() - batch_start >= options.batch_interval) GB_CHECK(commit());
    }
  }
  {
    std::lock_guard lock(jobs_mu);
    finished += in_hand;
    in_hand = 0;
  }
  GB_CHECK(commit());
  GB_CHECK(packer.finish());
  GB_CHECK(storing.finish());
  ticker.reset();
  tick();
  result.bytes_stored = packer.stored_bytes();
  result.bytes_done = progress.bytes_done;
  double secs = std::chrono::duration<double>(Clock::now() - started).count();
  if (result.uploaded_files > 0 && secs > 0) {
    result.rate = recent.full() ? recent.rate() : static_cast<double>(uploaded_bytes) / secs;
    if (result.rate > 0) (void)queue.record_rate(result.rate);
  }
  return result;
}

}  // namespace gb
