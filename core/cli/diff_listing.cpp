#include "core/cli/diff_listing.h"

#include <fmt/format.h>

#include "core/cli/change_listing.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

Json json_side(const Entry* e) {
  if (!e) return nullptr;
  return {{"type", node_type_name(e->type)}, {"size", e->size}, {"mode", e->mode}, {"uid", e->uid}, {"gid", e->gid}, {"mtime_ns", e->mtime_ns}};
}

Json summary_json(const DiffSummary& s) {
  return {{"added", s.added},
          {"removed", s.removed},
          {"modified", s.modified},
          {"type_changed", s.type_changed},
          {"metadata_changed", s.metadata_changed},
          {"added_bytes", s.added_bytes},
          {"removed_bytes", s.removed_bytes},
          {"modified_bytes_before", s.modified_bytes_before},
          {"modified_bytes_after", s.modified_bytes_after}};
}

}  // namespace

Result<DiffSummary> write_diff(Repository& repo, const std::vector<std::vector<Hash>>& before, const std::vector<std::vector<Hash>>& after, bool json,
                               const ListingOut& out) {
  ViewReader old_view(repo, before), new_view(repo, after);
  if (json) out("{\"changes\":[");
  bool first = true;
  auto summary = diff_views([&](Entry& e) { return old_view.next(e); }, [&](Entry& e) { return new_view.next(e); },
                            [&](const ViewChange& c) -> Status {
                              char kind = static_cast<char>(c.kind);
                              bool going;
                              if (json) {
                                const Entry& e = c.after ? *c.after : *c.before;
                                Json change = {{"change", std::string(1, kind)}, {"path", e.path}};
                                if (e.flags & kNameNotUtf8) change["path_hex"] = to_hex(as_bytes(e.path));
                                change["before"] = json_side(c.before);
                                change["after"] = json_side(c.after);
                                going = out(fmt::format("{}\n{}", first ? "" : ",", json_text(change)));
                              } else {
                                going = out(fmt::format("{} {}\n", kind, printable_name(c.path())));
                              }
                              first = false;
                              if (!going) return make_error(ErrorKind::Io, "the output was closed");
                              return {};
                            });
  if (!summary) {
    if (json) out("\n]}\n");
    return summary.error();
  }
  if (json)
    out(fmt::format("\n],\"summary\":{}}}\n", json_text(summary_json(*summary))));
  else
    out(diff_summary_text(*summary) + "\n");
  return summary;
}

}  // namespace gb
