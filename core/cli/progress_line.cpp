#include "core/cli/progress_line.h"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstdio>

namespace gb {

Ticker::Ticker(std::chrono::milliseconds interval, std::function<void()> tick, std::function<void()> at_end) {
  thread_ = std::thread([this, interval, tick = std::move(tick), at_end = std::move(at_end)] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval, [&] { return stop_; })) tick();
    if (at_end) at_end();
  });
}

Ticker::~Ticker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ProgressLine::ProgressLine(bool enabled, std::function<std::string()> render) {
  if (!enabled || !::isatty(STDERR_FILENO)) return;
  ticker_.emplace(
      std::chrono::milliseconds(250),
      [render = std::move(render)] {
        std::string line = render();
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
        std::fflush(stderr);
      },
      [] {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
      });
}

StatusLines::StatusLines(bool enabled, std::chrono::milliseconds interval, std::function<std::string()> render) {
  if (!enabled) return;
  ticker_.emplace(interval, [render = std::move(render)] {
    std::string line = render();
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
  });
}

std::string human_bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.2f} {}", v, units[u]);
}

std::string human_duration(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
}

double capped_fraction(double fraction) { return std::clamp(fraction, 0.0, 0.999); }

double eta_seconds(double fraction, double elapsed) {
  fraction = capped_fraction(fraction);
  return fraction > 0 && elapsed > 0 ? elapsed * (1 - fraction) / fraction : -1;
}

std::string percent_and_eta(double fraction, double elapsed) {
  double eta = eta_seconds(fraction, elapsed);
  return fmt::format("{:.1f}%, ETA {}", capped_fraction(fraction) * 100, eta >= 0 ? human_duration(eta) : "unknown");
}

double backup_fraction(const BackupCounts& c) {
  if (c.total_entries == 0) return -1;
  // Entries measure the scan's cost (a stat per entry), bytes the reading's:
  // an unchanged tree goes at the first's pace, a changed one at the second's.
  // Their mean follows both without a pre-count.
  double by_entries = static_cast<double>(c.entries) / static_cast<double>(c.total_entries);
  double by_bytes = c.total_bytes ? static_cast<double>(c.bytes) / static_cast<double>(c.total_bytes) : by_entries;
  return (by_entries + by_bytes) / 2;
}

std::string backup_progress_text(const BackupCounts& c, double elapsed) {
  std::string rate = human_bytes(static_cast<uint64_t>(static_cast<double>(c.bytes_read) / std::max(elapsed, 0.001)));
  std::string errors = c.errors ? fmt::format(", {} errors", c.errors) : "";
  if (c.total_entries == 0)
    return fmt::format("[{}] {} entries, {} scanned, {} read ({}/s){}; no total (no earlier snapshot of these paths)", human_duration(elapsed),
                       c.entries, human_bytes(c.bytes), human_bytes(c.bytes_read), rate, errors);
  return fmt::format("[{}] {}: {}/{} entries, {}/{}, {} read ({}/s){}", human_duration(elapsed), percent_and_eta(backup_fraction(c), elapsed),
                     c.entries, c.total_entries, human_bytes(c.bytes), human_bytes(c.total_bytes), human_bytes(c.bytes_read), rate, errors);
}

std::string eta_text(uint64_t remaining, double rate) {
  if (remaining == 0) return human_duration(0);
  return rate > 0 ? human_duration(static_cast<double>(remaining) / rate) : "unknown";
}

std::string upload_figures_text(uint64_t done, uint64_t total, double rate) {
  double fraction = total ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
  std::string r = rate > 0 ? human_bytes(static_cast<uint64_t>(rate)) + "/s" : "rate not known yet";
  return fmt::format("{} of {} ({:.1f}%), {}, ETA {}", human_bytes(done), human_bytes(total), fraction * 100, r,
                     eta_text(total > done ? total - done : 0, rate));
}

std::string upload_progress_text(uint64_t done, uint64_t total, double rate, double elapsed) {
  return fmt::format("[{}] uploading: {}", human_duration(elapsed), upload_figures_text(done, total, rate));
}

std::string restore_progress_text(uint64_t files, uint64_t total_files, uint64_t bytes, uint64_t total_bytes, double elapsed) {
  std::string rate = human_bytes(static_cast<uint64_t>(static_cast<double>(bytes) / std::max(elapsed, 0.001)));
  if (total_files == 0 && total_bytes == 0)
    return fmt::format("[{}] restoring: {} files, {} ({}/s); no total (some paths only)", human_duration(elapsed), files, human_bytes(bytes), rate);
  double fraction = total_bytes ? static_cast<double>(bytes) / static_cast<double>(total_bytes)
                                : static_cast<double>(files) / static_cast<double>(std::max<uint64_t>(total_files, 1));
  return fmt::format("[{}] restoring: {}: {}/{} files, {}/{} ({}/s)", human_duration(elapsed), percent_and_eta(fraction, elapsed), files, total_files,
                     human_bytes(bytes), human_bytes(total_bytes), rate);
}

}  // namespace gb
