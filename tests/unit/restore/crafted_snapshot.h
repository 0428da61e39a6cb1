// A snapshot written straight from entries, as anyone holding the cap could
// write one, for the restore tests.
#pragma once
#include <algorithm>
#include <vector>

#include <doctest/doctest.h>

#include "core/common/path_order.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/snapshot_store.h"

namespace gb::test {

// Writes the entries (sorted into path order) as one checkpoint log and saves a snapshot of it.
inline Snapshot save_crafted_snapshot(Repository& repo, std::vector<Entry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return path_less(a.path, b.path); });
  Packer packer(repo.backend(), repo.keys(), packs_into(repo.index()), PackerOptions{});
  LogWriter writer(packer);
  for (const auto& e : entries) writer.add(e);
  Snapshot s;
  s.time_ns = 1;
  s.hostname = std::string(1, 'h');  // not = "h": GCC 12 warns falsely (-Wrestrict) once inlined
  s.paths = {"/"};
  s.log_blobs = writer.finish();
  REQUIRE(packer.finish());
  REQUIRE(SnapshotStore(repo).save(s).ok());
  return s;
}

}  // namespace gb::test
