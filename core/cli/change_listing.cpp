#include "core/cli/change_listing.h"

#include <fmt/format.h>
#include <cstdio>

#include "core/cli/name_text.h"
#include "core/cli/progress_line.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

std::string diff_summary_text(const DiffSummary& s) {
  return fmt::format("{} added ({}), {} removed ({}), {} modified ({} -> {}), {} type changed, {} metadata only", s.added, human_bytes(s.added_bytes),
                     s.removed, human_bytes(s.removed_bytes), s.modified, human_bytes(s.modified_bytes_before), human_bytes(s.modified_bytes_after),
                     s.type_changed, s.metadata_changed);
}

Result<DiffSummary> list_view_changes(Repository& repo, const std::vector<std::vector<Hash>>& before, const std::vector<std::vector<Hash>>& after,
                                      bool each_path) {
  ViewReader old_view(repo, before), new_view(repo, after);
  auto old_next = [&](Entry& e) -> Result<bool> {
    if (before.empty()) return false;
    return old_view.next(e);
  };
  return diff_views(
      old_next, [&](Entry& e) { return new_view.next(e); },
      [&](const ViewChange& c) -> Status {
        if (each_path) std::printf("%c %s\n", static_cast<char>(c.kind), printable_name(c.path()).c_str());
        return {};
      });
}

Status print_snapshot_changes(Repository& repo, const Snapshot& s, bool each_path) {
  SnapshotStore store(repo);
  std::vector<std::vector<Hash>> before;
  if (!s.parent.empty()) {
    GB_ASSIGN(Snapshot parent, store.load(s.parent));
    GB_ASSIGN(before, store.chain(parent));
  }
  GB_ASSIGN(auto after, store.chain(s));
  GB_ASSIGN(DiffSummary sum, list_view_changes(repo, before, after, each_path));
  std::printf("  changes%s: %s\n", s.parent.empty() ? "" : fmt::format(" since {}", s.parent.substr(0, 8)).c_str(), diff_summary_text(sum).c_str());
  return {};
}

}  // namespace gb
