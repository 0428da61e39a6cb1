// Draining the upload queue, shared by `backup` (after its commit) and `upload`.
#pragma once
#include "core/cli/options.h"

namespace gb {

// Runs the uploader with a progress line and prints what it did; returns an
// exit code. `adopt_unindexed`: see UploadOptions.
int drain_queue(const CommandLine& cl, Repository& repo, UploadQueue& queue, const TransferOptions& transfer, bool adopt_unindexed);
// Routes the repository's writes through --limit-upload, if given; keep the
// returned decorator alive while the repository writes.
std::unique_ptr<Backend> limit_uploads(Repository& repo, const TransferOptions& transfer);

}  // namespace gb
