#include "core/upload/uploader.h"

#include <fmt/format.h>

#include "core/backup/staging_area.h"
#include "core/content/packer.h"
#include "core/scan/scanner.h"

namespace gb {

Result<UploadResult> run_upload(Repository& repo, UploadQueue& queue, const UploadOptions& options, UploadProgress& progress) {
  UploadResult result;
  repo.prepare_to_store();
  if (options.adopt_unindexed) {
    GB_ASSIGN(result.adopted_packs, repo.adopt_unindexed_packs());
  }
  GB_ASSIGN(QueueStats before, queue.stats());
  progress.jobs_total = before.jobs;
  progress.bytes_total = before.bytes;

  Packer packer(repo.upload_backend(), repo.keys(), packs_into(repo.index()), repo.packer_options(options.workers));
  FileReader reader(packer, repo, progress.read, options.reader);

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
  uint64_t in_hand = 0;  // the size of the job being handled: done once the next one starts
  for (;;) {
    GB_ASSIGN(auto jobs, queue.next_batch(256, cursor_priority, cursor_id));
    if (jobs.empty()) break;
    for (const UploadJob& job : jobs) {
      cursor_priority = job.priority;
      cursor_id = job.id;
      ++progress.jobs_done;
      progress.bytes_done += in_hand;
      in_hand = job.size;
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
      // Same size, times and inode as when the snapshot hashed it, and the same
      // bytes once read (checked below); otherwise it is not the recorded version.
      bool same = e.type == NodeType::File && e.size == job.size && e.mtime_ns == job.mtime_ns && e.ctime_ns == job.ctime_ns && e.inode == job.inode;
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
      settled.push_back(job.id);
      if (job.staged) staged.push_back(job.path);
      batch_bytes += job.size;
      if (batch_bytes >= options.batch_bytes || std::chrono::steady_clock::now() - batch_start >= options.batch_interval) GB_CHECK(commit());
    }
  }
  progress.bytes_done += in_hand;
  GB_CHECK(commit());
  GB_CHECK(packer.finish());
  result.bytes_stored = packer.stored_bytes();
  return result;
}

}  // namespace gb
