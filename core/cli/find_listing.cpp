#include "core/cli/find_listing.h"

#include <fmt/format.h>

#include "core/cli/count_text.h"
#include "core/cli/entry_text.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/cli/time_text.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

Json match_json(const Entry& e) {
  Json out = {{"path", e.path}};
  if (e.flags & kNameNotUtf8) out["path_hex"] = to_hex(as_bytes(e.path));
  out["type"] = node_type_name(e.type);
  out["size"] = e.size;
  out["mtime_ns"] = e.mtime_ns;
  out["mtime"] = utc_time_text(e.mtime_ns);
  return out;
}

}  // namespace

Result<FindCounts> write_find(Repository& repo, const std::vector<Snapshot>& all, const SnapshotFilter& filter, const PathGlob& glob, bool json,
                              const ListingOut& out) {
  SnapshotStore store(repo);
  FindCounts counts;
  if (json) out("[");
  for (const Snapshot& s : all) {
    if (!snapshot_matches(s, filter)) continue;
    GB_ASSIGN(auto logs, store.chain(s));
    ViewReader view(repo, logs);
    uint64_t here = 0;
    Entry e;
    for (;;) {
      auto more = view.next(e);
      if (!more) {
        if (json) out(here ? "]}\n]\n" : "\n]\n");
        return make_error(more.error().kind, fmt::format("snapshot {}: {}", s.short_id(), more.error().message));
      }
      if (!*more) break;
      if (!glob.matches(e.path)) continue;
      if (here++ == 0) {
        ++counts.snapshots;
        bool going;
        if (json) {
          // The snapshot's object is left open for its matches, written as they are found (bounded memory).
          std::string head = json_text({{"id", s.id}, {"short_id", s.short_id()}, {"time", utc_time_text(s.time_ns)}, {"hostname", s.hostname}});
          head.pop_back();  // its closing '}'
          going = out(fmt::format("{}\n{},\"matches\":[", counts.snapshots > 1 ? "," : "", head));
        } else {
          going = out(fmt::format("snapshot {}  {}  host {}\n", s.short_id(), local_time_text(s.time_ns), s.hostname));
        }
        if (!going) return counts;
      }
      bool going =
          json ? out(fmt::format("{}\n{}", here > 1 ? "," : "", json_text(match_json(e))))
               : out(fmt::format("  {:<8} {:>12}  {}  {}\n", node_type_name(e.type), entry_size_text(e), entry_time_text(e), printable_name(e.path)));
      if (!going) return counts;
    }
    if (json && here) out("]}");
    counts.matches += here;
  }
  if (json)
    out("\n]\n");
  else
    out(fmt::format("{} in {}\n", counted(counts.matches, "match", "matches"), counted(counts.snapshots, "snapshot")));
  return counts;
}

}  // namespace gb
