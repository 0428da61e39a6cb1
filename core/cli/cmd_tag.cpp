// gridbackup tag: adds, removes or sets the tags of snapshots, as restic's
// `tag`. A snapshot is immutable (its id is the hash of its bytes), so a
// changed one is stored anew and the old one forgotten (SnapshotStore::retag):
// its id changes, as in restic.
#include <fmt/format.h>
#include <algorithm>
#include <cstdio>
#include <set>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/name_text.h"
#include "core/repository/seen_objects.h"
#include "core/snapshot/snapshot_select.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {
namespace {

struct TagChange {
  bool set = false;  // --set given: the tags become exactly `set_to`
  std::vector<std::string> set_to, add, remove;
  std::vector<std::string> applied_to(const std::vector<std::string>& tags) const {
    std::set<std::string> out(tags.begin(), tags.end());
    if (set) out = std::set<std::string>(set_to.begin(), set_to.end());
    out.insert(add.begin(), add.end());
    for (const auto& t : remove) out.erase(t);
    return {out.begin(), out.end()};
  }
};

Result<TagChange> tag_change(const CommandLine& cl) {
  TagChange c;
  c.set = cl.values.count("set") > 0;
  GB_ASSIGN(c.set_to, tag_set(cl.all("set")));
  GB_ASSIGN(c.add, tag_set(cl.all("add")));
  GB_ASSIGN(c.remove, tag_set(cl.all("remove")));
  if (c.set && (cl.values.count("add") || cl.values.count("remove")))
    return make_error(ErrorKind::InvalidArgument, "tag takes --set, or --add and --remove, not both (as restic)");
  if (!c.set && c.add.empty() && c.remove.empty())
    return make_error(ErrorKind::InvalidArgument, "tag needs --add TAG, --remove TAG or --set TAG (--set '' removes every tag)");
  return c;
}

std::string tags_text(const std::vector<std::string>& tags) {
  if (tags.empty()) return "no tags";
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ",") + printable_name(t);
  return out;
}

// The same backup under another id: what a `tag` killed between storing the
// copy and forgetting the original leaves behind (SnapshotStore::retag).
bool same_backup(const Snapshot& a, const Snapshot& b) {
  return a.id != b.id && a.time_ns == b.time_ns && a.hostname == b.hostname && a.paths == b.paths && a.parent == b.parent &&
         a.log_blobs == b.log_blobs;
}

}  // namespace

int cmd_tag(const CommandLine& cl) {
  auto change = tag_change(cl);
  if (!change) return report_error(change.error());
  std::unique_ptr<Repository> repo;
  std::vector<Snapshot> all;
  SnapshotFilter filter;
  if (int code = open_listing_or_report(cl, repo, all, filter)) return code;
  SnapshotStore store(*repo);
  // Ids (or "latest", this host's), else every snapshot the filter chooses: restic's rule.
  auto picked = choose_snapshots(store, all, cl.args, filter, host_name(cl));
  if (!picked) return report_error(picked.error());
  std::vector<Snapshot> chosen = std::move(*picked);
  if (chosen.empty()) return report_error(make_error(ErrorKind::NotFound, fmt::format("no snapshot matches {}", filter_text(filter))));
  size_t changed = 0;
  const bool json = cl.flag("json"), quiet = cl.flag("quiet") || json;
  Json changes = Json::array();
  auto changed_json = [&](const Snapshot& old, const Snapshot& now, const std::vector<std::string>& tags, bool finished) {
    changes.push_back({{"old", old.id},
                       {"old_short_id", old.short_id()},
                       {"new", now.id},
                       {"new_short_id", now.short_id()},
                       {"tags", tags},
                       {"finished_interrupted", finished}});
  };
  const std::string seen_path = local_state(cl).seen_objects_path(*repo);
  for (const Snapshot& s : chosen) {
    std::vector<std::string> tags = change->applied_to(s.tags);
    if (tags == s.tags) continue;
    // A killed run stored the copy already: forgetting the original finishes it.
    auto twin = std::find_if(all.begin(), all.end(), [&](const Snapshot& o) { return same_backup(o, s) && o.tags == tags; });
    if (twin != all.end()) {
      if (Status st = store.forget(s); !st) return report_error(st.error());
      ++changed;
      changed_json(s, *twin, tags, true);
      if (!quiet)
        std::printf("snapshot %s is now %s (tags: %s; finishing an interrupted change)\n", s.short_id().c_str(), twin->short_id().c_str(),
                    tags_text(tags).c_str());
      continue;
    }
    auto stored = store.retag(s, tags);
    if (!stored)
      return report_error(
          make_error(stored.error().kind, fmt::format("could not change the tags of snapshot {}: {}", s.short_id(), stored.error().message)));
    // Stored by this machine: a rollback past it is noticed (seen_objects.h).
    if (Status st = record_seen_snapshot(seen_path, stored->id); !st) std::fprintf(stderr, "warning: %s\n", st.error().message.c_str());
    ++changed;
    changed_json(s, *stored, tags, false);
    if (!quiet) std::printf("snapshot %s is now %s (tags: %s)\n", s.short_id().c_str(), stored->short_id().c_str(), tags_text(tags).c_str());
  }
  if (json) std::printf("%s\n", json_text({{"snapshots", chosen.size()}, {"changed", changes}, {"unchanged", chosen.size() - changed}}).c_str());
  if (!quiet) {
    if (changed == 0)
      std::printf("no tags changed: %s already as asked\n", counted(chosen.size(), "snapshot").c_str());
    else
      std::printf("changed the tags of %s\n", counted(changed, "snapshot").c_str());
  }
  return kExitOk;
}

const Command kTagCommand = {"tag",
                             "[SNAPSHOT...]",
                             "add, remove or set the tags of snapshots (each changed one gets a new id)",
                             [](CommandOptions& o) {
                               o.value("add", "TAG[,TAG...]", "add these tags (repeatable)");
                               o.value("remove", "TAG[,TAG...]", "remove these tags (repeatable)");
                               o.value("set", "TAG[,TAG...]", "replace the tags with these ('' for none; repeatable)");
                               o.host_and_path();
                               o.json("print each changed snapshot's old and new id as one JSON object (docs/JSON.md)");
                             },
                             cmd_tag,
                             true,
                             "Without SNAPSHOT, every snapshot that --host/--path/--tag choose (all of them if none), as restic.\n"
                             "A changed snapshot is stored again under a new id and the old one is forgotten ('prune' frees it).\n"
                             "Example: gridbackup tag --add keep,monthly latest"};

}  // namespace gb
