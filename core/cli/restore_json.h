// What `restore` reports, built in one place so the command line (restore
// --json, its exit code) and the web page's restore jobs (`gridbackup ui`)
// cannot drift apart. Shape: docs/JSON.md, "restore".
#pragma once
#include <string>

#include "core/cli/json.h"
#include "core/common/result.h"
#include "core/restore/restorer.h"
#include "core/snapshot/snapshot.h"

namespace gb {

// --overwrite's word (always, if-changed, if-newer, never) as its mode.
Result<Overwrite> overwrite_mode_named(const std::string& mode);
// The object `restore --json` prints.
Json restore_json(const Snapshot& snap, const std::string& target, const RestoreOptions& opts, const RestoreResult& r, double seconds);
// The exit code `restore` ends with: damaged 12, not uploaded 3, a verify
// mismatch 1, a path not written 3, else 0.
int restore_exit_code(const RestoreResult& r);

}  // namespace gb
