// The JSON objects of the listing commands, built in one place so the
// command line (`snapshots`, `ls`, `versions` --json) and the web page
// (`gridbackup ui`, whose API serves the same objects) cannot drift apart.
// Shapes: docs/JSON.md.
#pragma once
#include <string>
#include <vector>

#include "core/cli/json.h"
#include "core/report/file_versions.h"
#include "core/snapshot/completeness.h"
#include "core/snapshot/entry.h"
#include "core/snapshot/snapshot.h"

namespace gb {

// One snapshot as `snapshots --json` prints it.
Json snapshot_json(const Snapshot& s, const Completeness& stored);
// One path of a snapshot as `ls --json` prints it.
Json entry_json(const Entry& e);
// One version of a path on `host` as `versions --json` prints it.
Json file_version_json(const FileVersion& v, const std::string& host);

// The versions of one path, per host (the same path on two machines is two
// files), hosts in the order their first snapshot appears in `chosen`.
struct HostVersions {
  std::string host;
  std::vector<FileVersion> versions;  // oldest first; never empty
};
Result<std::vector<HostVersions>> versions_by_host(Repository& repo, const std::vector<Snapshot>& chosen, const std::string& path);

}  // namespace gb
