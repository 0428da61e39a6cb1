// The web page's restore (`gridbackup ui`, POST /api/restore): the same
// run_restore as `restore SNAPSHOT --target DIR PATH`, on a job thread of
// its own (core/ui/ui_jobs.h) with a repository opened for it, so the page's
// other requests go on meanwhile. Its result is restore --json's object and
// exit code (restore_json.h).
#pragma once
#include <cstdint>

#include "core/cli/options.h"
#include "core/restore/restorer.h"
#include "core/snapshot/snapshot.h"
#include "core/ui/ui_jobs.h"

namespace gb {

// Starts restoring `opts.include` (one path) of `snap` below `opts.target`;
// the job's id. The totals are the view's files and bytes below the path,
// counted first.
uint64_t start_restore_job(UiJobs& jobs, const CommandLine& cl, const Snapshot& snap, RestoreOptions opts);

}  // namespace gb
