// Choosing snapshots by host, paths and tags (restic's --host/--path/--tag semantics),
// and what "latest" means: the newest snapshot of one host (this machine's,
// unless --host names others) that includes the given paths. In a repository
// shared by several hosts, "latest" must never be another machine's snapshot
// (`restore latest --target /` would restore the wrong machine). A snapshot id
// names one snapshot whatever its host.
#pragma once
#include <string>
#include <vector>

#include "core/snapshot/snapshot.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

struct SnapshotFilter {
  std::vector<std::string> hosts;  // empty: any host; else the snapshot's host is one of them
  std::vector<std::string> paths;  // the snapshot's paths include every one of these
  // Empty: any tags. Else the snapshot has every tag of at least one list:
  // `--tag a,b` is one list (both), `--tag a --tag b` two (either), as restic.
  std::vector<std::vector<std::string>> tags;
  bool narrows() const { return !hosts.empty() || !paths.empty() || !tags.empty(); }
};

// The filter in words, for a message: "host alpha, paths /a, tags x,y or z".
std::string filter_text(const SnapshotFilter& filter);

bool snapshot_matches(const Snapshot& s, const SnapshotFilter& filter);
// `all` (oldest first) less those the filter does not match.
std::vector<Snapshot> select_snapshots(const std::vector<Snapshot>& all, const SnapshotFilter& filter);
// "latest": the newest snapshot that `latest` matches, else NotFound with one
// sentence naming the hosts that have snapshots. Anything else: an id or id
// prefix, resolved among all live snapshots (the filter does not apply).
Result<Snapshot> resolve_snapshot(SnapshotStore& store, const std::string& ref, const SnapshotFilter& latest);
// What a command over several snapshots works on, as restic's tag and copy:
// the snapshots `refs` name (each once, in the order given; "latest" is the
// newest that `filter` matches on `this_host` unless it names hosts), or
// without refs every snapshot of `all` the filter matches.
Result<std::vector<Snapshot>> choose_snapshots(SnapshotStore& store, const std::vector<Snapshot>& all, const std::vector<std::string>& refs,
                                               const SnapshotFilter& filter, const std::string& this_host);

}  // namespace gb
