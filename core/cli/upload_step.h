// Draining the upload queue, shared by `backup` (after its commit) and `upload`.
#pragma once
#include "core/cli/options.h"
#include "core/upload/uploader.h"

namespace gb {

struct UploadResult;

// Runs the uploader with a progress line (bytes gone out, the recent rate,
// an ETA) and prints what it did; returns an exit code. `adopt`: which packs
// no index names to adopt first (UploadOptions). `done`, if given, gets the
// result and the seconds taken.
int drain_queue(const CommandLine& cl, Repository& repo, UploadQueue& queue, const TransferOptions& transfer, UploadOptions::Adopt adopt,
                UploadResult* done = nullptr, double* seconds = nullptr);
// Routes the repository's writes through --limit-upload, if given; keep the
// returned decorator alive while the repository writes.
std::unique_ptr<Backend> limit_uploads(Repository& repo, const TransferOptions& transfer);

}  // namespace gb
