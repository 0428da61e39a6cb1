// A self-refreshing status line on stderr, shown only when stderr is a
// terminal (and not --quiet), so logs and pipes stay clean.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace gb {

// Calls tick() every `interval` on a thread of its own until destroyed,
// then at_end() once on that thread: what a progress display needs.
class Ticker {
 public:
  Ticker(std::chrono::milliseconds interval, std::function<void()> tick, std::function<void()> at_end = {});
  ~Ticker();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

class ProgressLine {
 public:
  ProgressLine(bool enabled, std::function<std::string()> render);

 private:
  std::optional<Ticker> ticker_;  // none when disabled or not on a terminal; its end clears the line
};

// The --json status stream: render() printed as one line on stdout every
// `interval` while it lives, terminal or not (a script reads it); the first
// after one interval, so a job that ends sooner prints none.
class StatusLines {
 public:
  StatusLines(bool enabled, std::chrono::milliseconds interval, std::function<std::string()> render);

 private:
  std::optional<Ticker> ticker_;
};

std::string human_bytes(uint64_t n);
std::string human_duration(double seconds);

// How far a job is against its expected total, and when it ends at the rate
// so far: "41.2%, ETA 1m32s". A fraction is capped below 100% (the tree
// may have grown since the total was known); nothing done yet: "ETA unknown".
std::string percent_and_eta(double fraction, double elapsed_seconds);
// The same figures as numbers: the fraction capped as above, and the seconds
// left at the rate so far (negative: not known, nothing done yet).
double capped_fraction(double fraction);
double eta_seconds(double fraction, double elapsed_seconds);

// The backup's line. With the parent's totals: entries and bytes against
// them, a percentage and an ETA; without (first backup of these paths, or a
// narrow slice): the counts and "no total".
struct BackupCounts {
  uint64_t entries = 0, bytes = 0;              // scanned
  uint64_t total_entries = 0, total_bytes = 0;  // expected (0 entries: none)
  uint64_t bytes_read = 0, errors = 0;
};
std::string backup_progress_text(const BackupCounts& c, double elapsed_seconds);
// The share done that line shows, uncapped (negative: no total).
double backup_fraction(const BackupCounts& c);

// When `remaining` bytes are done at `rate` bytes/s: "1m32s", or "unknown"
// without a rate. Shared by the upload's line and `status`.
std::string eta_text(uint64_t remaining, double rate);

// The upload's line: bytes of the queued files done (gone out to the
// repository, at the link's pace under --limit-upload) against the queue's
// total, a percentage, the recent rate and an ETA from it:
// "[12.0s] uploading: 2.00 MiB of 4.00 MiB (50.0%), 256 KiB/s, ETA 8.0s".
std::string upload_progress_text(uint64_t bytes_done, uint64_t bytes_total, double rate, double elapsed_seconds);
// Its figures alone, as `status` shows a running upload's.
std::string upload_figures_text(uint64_t bytes_done, uint64_t bytes_total, double rate);

// The restore's line: files and bytes done (written or kept) against the
// snapshot's totals, a percentage and an ETA by bytes; without totals (a
// restore of some PATHs only): the counts and "no total".
std::string restore_progress_text(uint64_t files, uint64_t total_files, uint64_t bytes, uint64_t total_bytes, double elapsed_seconds);

}  // namespace gb
