// Draining the upload queue, shared by `backup` (after its commit) and `upload`.
#pragma once
#include "core/cli/options.h"

namespace gb {

// Runs the uploader with a progress line and prints what it did; returns an exit code.
int drain_queue(const CommandLine& cl, Repository& repo, UploadQueue& queue, const TransferOptions& transfer);

}  // namespace gb
